using MassTransit;
using Orchestration.Endpoints.Billing.Rent;

namespace Orchestration.Billing.Tests.Rent;

/// <summary>A rent run over leases that charge parking, a pet fee or storage every month besides the rent.</summary>
public sealed class When_a_lease_carries_recurring_charges(BillingFixture fixture) : BillingTest(fixture)
{
    const string Period = "2034-03";

    async Task<Guid> ActivatedAsync(DateOnly start, DateOnly end, decimal rent, params RecurringCharge[] recurring)
    {
        var leaseId = NewId.NextGuid();
        var failure = await Host.PublishAsync(new LeaseActivated
        {
            LeaseId = leaseId, PropertyId = NewId.NextGuid(), UnitId = NewId.NextGuid(), TenantId = NewId.NextGuid(),
            MonthlyRent = Money.Of(rent, "USD"), SecurityDeposit = Money.Of(rent, "USD"), LeaseStart = start, LeaseEnd = end,
            ActivatedAt = DateTimeOffset.UtcNow, RecurringCharges = recurring,
        }, BillingExtensions.LeasesQueue);
        failure.ShouldBeNull();
        return leaseId;
    }

    static RecurringCharge Line(string kind, decimal amount, string? description = null) =>
        new() { Kind = kind, Description = description, Amount = Money.Of(amount, "USD") };

    [Fact]
    public async Task Should_post_each_line_next_to_the_rent_prorated_like_it_in_one_charge_once()
    {
        var whole = await ActivatedAsync(new DateOnly(2034, 1, 1), new DateOnly(2034, 12, 31), 1000m, Line("parking", 75m, "Bay 12"), Line("storage", 40.50m));
        var movingIn = await ActivatedAsync(new DateOnly(2034, 3, 20), new DateOnly(2035, 3, 19), 2100m, Line("parking", 62m), Line("pet", 31m));
        var run = new StartRentRun { RentRunId = NewId.NextGuid(), Period = Period, RequestedAt = DateTimeOffset.UtcNow };

        (await Host.SendAsync(run)).ShouldBeNull();

        var posted = await Host.Published.WaitForAsync<RentChargePosted>(e => e.LeaseId == whole || e.LeaseId == movingIn, count: 2);
        posted.Single(e => e.LeaseId == whole).Amount.ShouldBe(Money.Of(1115.50m, "USD"), "the rent and its lines are collected as one charge");
        // 20 to 31 March: 12 of 31 days of each: 2100 → 812.90, 62 → 24.00, 31 → 12.00.
        posted.Single(e => e.LeaseId == movingIn).Amount.ShouldBe(Money.Of(848.90m, "USD"));

        var wholeCharge = RentIds.Charge(whole, Period);
        (await Host.LedgerAsync(whole)).Select(e => (e.EntryId, e.Kind, e.Amount.Amount, e.ChargeId)).ShouldBe(
        [
            (wholeCharge, LedgerEntryKind.Charge, 1000m, (Guid?)wholeCharge),
            (RecurringChargeIds.Entry(wholeCharge, 0), LedgerEntryKind.Charge, 75m, wholeCharge),
            (RecurringChargeIds.Entry(wholeCharge, 1), LedgerEntryKind.Charge, 40.50m, wholeCharge),
        ], ignoreOrder: true);
        var moving = await Host.LedgerAsync(movingIn);
        moving.Select(e => e.Amount.Amount).ShouldBe([812.90m, 24.00m, 12.00m], ignoreOrder: true);
        moving.ShouldAllBe(e => e.Kind == LedgerEntryKind.Charge && e.ChargeId == RentIds.Charge(movingIn, Period) && e.Day == new DateOnly(2034, 3, 20));

        var again = run with { RentRunId = NewId.NextGuid() };
        (await Host.SendAsync(again)).ShouldBeNull();
        (await Host.SendAsync(run)).ShouldBeNull();

        (await Host.RentRunAsync(again.RentRunId)).ShouldNotBeNull().Posted.ShouldBe(0);
        (await Host.LedgerAsync(whole)).Count.ShouldBe(3, "repeating the period's run adds nothing");
        (await Host.LedgerAsync(movingIn)).Count.ShouldBe(3);
        Host.Published.All<LedgerEntryRecorded>(e => e.LeaseId == whole || e.LeaseId == movingIn).Count.ShouldBe(6);
    }

    [Fact]
    public async Task Should_charge_only_the_rent_of_a_lease_activated_without_recurring_charges()
    {
        var lease = await ActivatedAsync(new DateOnly(2034, 1, 1), new DateOnly(2034, 12, 31), 900m);
        var run = new StartRentRun { RentRunId = NewId.NextGuid(), Period = "2034-04", RequestedAt = DateTimeOffset.UtcNow };

        (await Host.SendAsync(run)).ShouldBeNull();

        (await Host.Published.WaitForAsync<RentChargePosted>(e => e.LeaseId == lease)).ShouldHaveSingleItem().Amount.ShouldBe(Money.Of(900m, "USD"));
        (await Host.LedgerAsync(lease)).ShouldHaveSingleItem().Amount.ShouldBe(Money.Of(900m, "USD"));
    }
}
