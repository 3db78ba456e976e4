using System.Globalization;
using MassTransit;

namespace Orchestration.Billing.Tests.Rent;

/// <summary>
/// The rent schedule starts the period's run by itself through the durable scheduler, and each later occurrence of the
/// same period starts the same run, which posts nothing more. On SQLite, with the scheduler in the same process.
/// </summary>
public sealed class When_the_rent_schedule_comes_round
{
    [Fact]
    public async Task Should_start_the_periods_run_by_itself_and_charge_each_lease_once()
    {
        // The lease is on record before the schedule is (a lease activated after its month's run has started waits for
        // the next month): recorded by a host without a schedule, then found by one with it on the same database.
        await using var database = TestDatabase.OnSqlite("billing");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var leaseId = NewId.NextGuid();
        await using (var unscheduled = await BillingHost.StartOnAsync(database))
        {
            (await unscheduled.PublishAsync(new LeaseActivated
            {
                LeaseId = leaseId, PropertyId = NewId.NextGuid(), UnitId = NewId.NextGuid(), TenantId = NewId.NextGuid(),
                MonthlyRent = Money.Of(1500m, "USD"), SecurityDeposit = Money.Of(1500m, "USD"), LeaseStart = today.AddMonths(-1), LeaseEnd = today.AddMonths(11),
                ActivatedAt = DateTimeOffset.UtcNow, TenantName = "Ada Lovelace", TenantEmail = "ada@example.com",
            }, BillingExtensions.LeasesQueue)).ShouldBeNull();
        }

        // Three occurrences two seconds apart, so that the test sees the same period come round again; the first one the
        // host is up for starts the run.
        var first = DateTime.UtcNow.AddSeconds(4);
        var seconds = string.Join(",", new[] { first, first.AddSeconds(2), first.AddSeconds(4) }.Select(t => t.Second.ToString(CultureInfo.InvariantCulture)));
        await using var billing = await BillingHost.StartOnAsync(database, new Dictionary<string, string?>
        {
            ["Scheduler:Host"] = "true",
            ["Scheduler:PollInterval"] = "00:00:00.200",
            ["Billing:Rent:Schedule"] = $"{seconds} * * * * *",
            ["Billing:Rent:AutopayNewLeases"] = "false",
        });
        var period = today.ToString("yyyy-MM", CultureInfo.InvariantCulture);

        var posted = await billing.Published.WaitForAsync<RentChargePosted>(e => e.LeaseId == leaseId);
        await Task.Delay(TimeSpan.FromSeconds(6));

        posted.ShouldHaveSingleItem().RentRunId.ShouldBe(RentIds.ScheduledRun(period));
        billing.Published.All<RentChargePosted>(e => e.LeaseId == leaseId).ShouldHaveSingleItem("later occurrences of the period post nothing");
        billing.Published.All<RentRunFinished>(e => e.RentRunId == RentIds.ScheduledRun(period)).ShouldHaveSingleItem();
        (await billing.LedgerAsync(leaseId)).Count(e => e.Kind == LedgerEntryKind.Charge).ShouldBe(1);
    }
}
