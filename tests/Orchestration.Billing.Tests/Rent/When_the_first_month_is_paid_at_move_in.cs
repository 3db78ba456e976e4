using MassTransit;
using Orchestration.Endpoints.Billing.Rent;

namespace Orchestration.Billing.Tests.Rent;

/// <summary>
/// The move-in funds paid the first month's rent, under the charge id the rent run gives that lease and month; the
/// lease's recurring charges for that month (parking, a pet fee) are left to the run, which charges them once, prorated
/// as it prorates them, in a collection of their own.
/// </summary>
public sealed class When_the_first_month_is_paid_at_move_in(BillingFixture fixture) : BillingTest(fixture)
{
    static readonly DateOnly MoveIn = new(2036, 5, 20);
    const string Period = "2036-05";

    [Fact]
    public async Task Should_charge_the_first_months_recurring_lines_once_by_the_run()
    {
        var lease = new Leases();
        (await Host.SendAsync(lease.RequestMoveInFunds(dueOn: MoveIn))).ShouldBeNull();
        var intentId = (await Host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull().PaymentIntentId.ShouldNotBeNull();
        (await Host.ReportAsync(lease.Succeeded(intentId, 3700.00m))).ShouldBeNull();
        (await Host.PublishAsync(new LeaseActivated
        {
            LeaseId = lease.LeaseId, PropertyId = NewId.NextGuid(), UnitId = NewId.NextGuid(), TenantId = NewId.NextGuid(),
            MonthlyRent = Money.Of(1850.00m, "USD"), SecurityDeposit = Money.Of(1850.00m, "USD"), LeaseStart = MoveIn, LeaseEnd = new DateOnly(2037, 5, 19),
            ActivatedAt = DateTimeOffset.UtcNow,
            RecurringCharges = [new() { Kind = "parking", Amount = Money.Of(62m, "USD") }, new() { Kind = "pet", Amount = Money.Of(31m, "USD") }],
        }, BillingExtensions.LeasesQueue)).ShouldBeNull();
        var run = new StartRentRun { RentRunId = NewId.NextGuid(), Period = Period, RequestedAt = DateTimeOffset.UtcNow };

        (await Host.SendAsync(run)).ShouldBeNull();
        (await Host.SendAsync(run with { RentRunId = NewId.NextGuid() })).ShouldBeNull();

        // 20 to 31 May: 12 of 31 days of each line: 62 → 24.00, 31 → 12.00; the rent was paid at move-in.
        var posted = (await Host.Published.WaitForAsync<RentChargePosted>(e => e.LeaseId == lease.LeaseId)).ShouldHaveSingleItem();
        posted.Amount.ShouldBe(Money.Of(36.00m, "USD"), "the lines the move-in funds did not pay are collected");
        posted.ChargeId.ShouldNotBe(RentIds.Charge(lease.LeaseId, Period));
        var charges = (await Host.LedgerAsync(lease.LeaseId)).Where(e => e.Kind == LedgerEntryKind.Charge).ToList();
        charges.Select(e => e.Amount.Amount).ShouldBe([1850.00m, 24.00m, 12.00m], ignoreOrder: true);
        charges.Where(e => e.Amount.Amount != 1850.00m).ShouldAllBe(e => e.ChargeId == posted.ChargeId && e.Day == MoveIn);
        (await Host.BalanceAsync(lease.LeaseId)).ShouldBe(36.00m);
    }
}
