using MassTransit;
using Orchestration.Endpoints.Billing.Rent;

namespace Orchestration.Billing.Tests.Rent;

/// <summary>A period's rent run on the Billing endpoint (SQLite), fed with leases as the lease-signing saga announces them.</summary>
public sealed class When_a_rent_run_is_started(BillingFixture fixture) : BillingTest(fixture)
{
    async Task<Guid> ActivatedAsync(DateOnly start, DateOnly end, decimal rent = 1850m)
    {
        var leaseId = NewId.NextGuid();
        var failure = await Host.PublishAsync(new LeaseActivated
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
        posted.ShouldAllBe(e => e.ChargeId == RentIds.Charge(e.LeaseId, "2031-05") && e.DueOn == new DateOnly(2031, 5, 1) && e.Period == "2031-05");
        var charge = (await Host.LedgerAsync(movingIn)).ShouldHaveSingleItem();
        (charge.Kind, charge.Amount, charge.ChargeId).ShouldBe((LedgerEntryKind.Charge, Money.Of(2100m, "USD"), RentIds.Charge(movingIn, "2031-05")));
        (await Host.LedgerAsync(ended)).ShouldBeEmpty();
        var record = (await Host.RentRunAsync(run.RentRunId)).ShouldNotBeNull();
        record.Posted.ShouldBe(record.Leases);
        record.Posted.ShouldBeGreaterThanOrEqualTo(2);

        (await Host.SendAsync(run)).ShouldBeNull();
        var again = run with { RentRunId = NewId.NextGuid() };
        (await Host.SendAsync(again)).ShouldBeNull();

        (await Host.RentRunAsync(again.RentRunId)).ShouldNotBeNull().Posted.ShouldBe(0);
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
}
