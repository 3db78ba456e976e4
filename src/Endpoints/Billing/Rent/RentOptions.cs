using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>Rent runs, late fees and payment allocation (<c>Billing:Rent</c>).</summary>
public sealed class RentOptions : IValidatableOptions
{
    public const string Section = "Billing:Rent";

    /// <summary>The company's late-fee policy: a fixed 50.00 once, after 5 grace days, unless configured otherwise.</summary>
    public LateFeePolicy LateFees { get; set; } = new() { Basis = LateFeeBasis.Fixed, Rate = 50m, Accrual = LateFeeAccrual.OneTime, GraceDays = 5 };

    /// <summary>The priority of kinds a payment pays, before oldest first; empty: <see cref="Ledger.AllocationOrder.Default"/>.</summary>
    public LedgerEntryKind[] AllocationOrder { get; set; } = [];

    /// <summary>
    /// Whether a newly activated lease pays its rent by autopay (with the card its move-in funds were paid with); on by
    /// default. Off, its tenants are sent an invoice with a payment link each month.
    /// </summary>
    public bool AutopayNewLeases { get; set; } = true;

    /// <summary>
    /// When each month's rent run starts by itself: a cron expression in UTC (five fields, or six with seconds first),
    /// such as <c>0 6 1 * *</c> for 06:00 UTC on the first of the month. The run posts the charges of the month the
    /// occurrence falls in. Empty (the default) leaves runs to <c>POST /api/rent-runs</c>: an installation opts in, so no
    /// rent is charged by a host that was only started to look around.
    /// </summary>
    public string Schedule { get; set; } = "";

    public AllocationOrder Allocation => AllocationOrder.Length > 0 ? new AllocationOrder(AllocationOrder) : Ledger.AllocationOrder.Default;

    public IEnumerable<string> Problems()
    {
        foreach (var problem in LateFees.Problems($"{Section}:LateFees"))
            yield return problem;
        if (Schedule.Length > 0 && CronSchedules.Parse(Schedule) is null)
            yield return $"{Section}:Schedule '{Schedule}' is not a cron expression (five fields, or six with seconds first).";
        if (AllocationOrder.Distinct().Count() != AllocationOrder.Length)
            yield return $"{Section}:AllocationOrder names a kind twice.";
    }
}
