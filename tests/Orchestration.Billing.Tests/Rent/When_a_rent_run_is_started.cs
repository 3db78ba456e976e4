using MassTransit;
using Orchestration.Endpoints.Billing.Rent;

namespace Orchestration.Billing.Tests.Rent;

/// <summary>A period's rent run on the Billing endpoint (SQLite), fed with leases as the lease-signing saga announces them.</summary>
public sealed class When_a_rent_run_is_started(BillingFixture fixture) : BillingTest(fixture)
{
    Task<Guid> ActivatedAsync(DateOnly start, DateOnly end, decimal rent = 1850m) => ActivatedAsync(Host, start, end, rent);

    static async Task<Guid> ActivatedAsync(BillingHost host, DateOnly start, DateOnly end, decimal rent)
    {
        var leaseId = NewId.NextGuid();
        var failure = await host.PublishAsync(new LeaseActivated
        {
            LeaseId = leaseId, PropertyId = NewId.NextGuid(), UnitId = NewId.NextGuid(), TenantId = NewId.NextGuid(),
            MonthlyRent = Money.Of(rent, "USD"), SecurityDeposit = Money.Of(rent, "USD"), LeaseStart = start, LeaseEnd = end,
            ActivatedAt = DateTimeOffset.UtcNow,
        }, BillingExtensions.LeasesQueue);
        failure.ShouldBeNull();
        return leaseId;
    }

    [Fact]
    public async Task Should_post_one_charge_per_lease_in_force_and_nothing_more_when_repeated()
    {
        var whole = await ActivatedAsync(new DateOnly(2031, 1, 1), new DateOnly(2031, 12, 31));
        var movingIn = await ActivatedAsync(new DateOnly(2031, 5, 20), new DateOnly(2032, 5, 19), 2100m);
        var ended = await ActivatedAsync(new DateOnly(2030, 5, 1), new DateOnly(2031, 4, 30));
        var run = new StartRentRun { RentRunId = NewId.NextGuid(), Period = "2031-05", RequestedAt = DateTimeOffset.UtcNow };

        (await Host.SendAsync(run)).ShouldBeNull();

        var posted = await Host.Published.WaitForAsync<RentChargePosted>(e => e.LeaseId == whole || e.LeaseId == movingIn, count: 2);
        posted.Select(e => e.LeaseId).ShouldBe([whole, movingIn], ignoreOrder: true);
        posted.ShouldAllBe(e => e.ChargeId == RentIds.Charge(e.LeaseId, "2031-05") && e.Period == "2031-05");
        posted.Single(e => e.LeaseId == whole).DueOn.ShouldBe(new DateOnly(2031, 5, 1));
        posted.Single(e => e.LeaseId == movingIn).DueOn.ShouldBe(new DateOnly(2031, 5, 20), "a lease is not due before it starts");
        var charge = (await Host.LedgerAsync(movingIn)).ShouldHaveSingleItem();
        (charge.Kind, charge.Amount, charge.ChargeId).ShouldBe((LedgerEntryKind.Charge, Money.Of(812.90m, "USD"), RentIds.Charge(movingIn, "2031-05")),
            "12 of May's 31 days of 2100.00");
        (await Host.LedgerAsync(whole)).ShouldHaveSingleItem().Amount.ShouldBe(Money.Of(1850m, "USD"));
        (await Host.LedgerAsync(ended)).ShouldBeEmpty();
        var record = (await Host.RentRunAsync(run.RentRunId)).ShouldNotBeNull();
        record.Posted.ShouldBe(record.Leases);
        record.Posted.ShouldBeGreaterThanOrEqualTo(2);

        (await Host.SendAsync(run)).ShouldBeNull();
        var again = run with { RentRunId = NewId.NextGuid() };
        (await Host.SendAsync(again)).ShouldBeNull();

        (await Host.RentRunAsync(again.RentRunId)).ShouldNotBeNull().Posted.ShouldBe(0);
        await Host.Published.WaitForAsync<RentRunFinished>(e => e.RentRunId == again.RentRunId);
        // Time for a duplicate charge or entry to be published, were one sent.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Host.Published.All<RentChargePosted>(e => e.LeaseId == whole || e.LeaseId == movingIn).Count.ShouldBe(2);
        Host.Published.All<LedgerEntryRecorded>(e => e.LeaseId == whole || e.LeaseId == movingIn).Count.ShouldBe(2, "the read models see each charge once");
        Host.Published.All<RentRunFinished>(e => e.RentRunId == run.RentRunId).ShouldHaveSingleItem().Posted.ShouldBe((int)record.Posted);
        Host.Published.All<RentRunFinished>(e => e.RentRunId == again.RentRunId).ShouldHaveSingleItem().Posted.ShouldBe(0);
        (await Host.LedgerAsync(whole)).Count(e => e.Kind == LedgerEntryKind.Charge).ShouldBe(1);
    }

    [Fact]
    public async Task Should_refuse_a_period_that_is_not_one_without_writing_anything()
    {
        var run = new StartRentRun { RentRunId = NewId.NextGuid(), Period = "2031-13", RequestedAt = DateTimeOffset.UtcNow };

        (await Host.SendAsync(run)).ShouldBeOfType<InvalidRentPeriodException>();

        (await Host.RentRunAsync(run.RentRunId)).ShouldBeNull();
    }

    [Fact]
    public async Task Should_collect_each_charge_and_assess_the_late_fee_once_its_grace_period_is_over()
    {
        // A host of its own that runs the durable scheduler, which delivers the saga's grace-period timeout; its tenants
        // pay by invoice, so nothing pays the charge.
        await using var billing = await BillingHost.StartAsync(new Dictionary<string, string?>
        {
            ["Scheduler:Host"] = "true",
            ["Billing:Rent:AutopayNewLeases"] = "false",
        });
        var lease = await ActivatedAsync(billing, new DateOnly(2026, 1, 1), new DateOnly(2026, 12, 31), 1200m);
        var run = new StartRentRun { RentRunId = NewId.NextGuid(), Period = "2026-10", RequestedAt = DateTimeOffset.UtcNow };

        (await billing.SendAsync(run)).ShouldBeNull();

        // Due on 2026-10-01 with the default 5 grace days, the charge is long late: the saga assesses the fee at once.
        await Eventually.HoldsAsync(async () => (await billing.LedgerAsync(lease)).Any(e => e.Kind == LedgerEntryKind.LateFee), TimeSpan.FromSeconds(20),
            "the late fee reached the ledger");
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var ledger = await billing.LedgerAsync(lease);
        ledger.Select(e => (e.Kind, e.Amount.Amount)).ShouldBe([(LedgerEntryKind.Charge, 1200m), (LedgerEntryKind.LateFee, 50m)]);
        ledger[1].Day.ShouldBe(new DateOnly(2026, 10, 7), "the first day after five grace days, the due day not counted");
        ledger[1].ChargeId.ShouldBe(RentIds.Charge(lease, "2026-10"));
    }
}
