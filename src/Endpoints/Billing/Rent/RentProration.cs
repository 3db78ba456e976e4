using Orchestration.Endpoints.Billing.Ledger;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>
/// The rent of a month the lease covers only in part (its first or last): the monthly amount times the days the lease is
/// in force that month (start and end day both counted) over the month's days, rounded to the cent, halves away from
/// zero. A month the lease covers whole is charged the monthly amount exactly. A part month is due on the lease's first
/// day in it, so a lease that starts mid-month is not late before it begins.
/// </summary>
public static class RentProration
{
    public static Money ForPeriod(Money monthly, DateOnly first, DateOnly leaseStart, DateOnly leaseEnd)
    {
        var last = first.AddMonths(1).AddDays(-1);
        var from = leaseStart > first ? leaseStart : first;
        var through = leaseEnd < last ? leaseEnd : last;
        if (through < from)
            return monthly with { Amount = 0m };

        var occupied = through.DayNumber - from.DayNumber + 1;
        var days = last.Day;
        return occupied == days ? monthly : monthly with { Amount = LedgerAmounts.Cents(monthly.Amount * occupied / days) };
    }

    public static DateOnly DueOn(DateOnly first, DateOnly leaseStart) => leaseStart > first ? leaseStart : first;
}
