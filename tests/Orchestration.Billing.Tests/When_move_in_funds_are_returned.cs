namespace Orchestration.Billing.Tests;

public sealed class When_move_in_funds_are_returned(BillingFixture fixture) : BillingTest(fixture)
{
    async Task<string> ChargedAsync(Leases lease)
    {
        (await Host.SendAsync(lease.RequestMoveInFunds())).ShouldBeNull();
        return (await Host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull().PaymentIntentId.ShouldNotBeNull();
    }

    [Fact]
    public async Task Should_refund_the_payment_once_when_the_command_arrives_twice()
    {
        var lease = new Leases();
        var paymentId = await ChargedAsync(lease);
        var command = lease.RefundMoveInFunds(paymentId, 3700.00m);

        (await Host.SendAsync(command)).ShouldBeNull();
        (await Host.SendAsync(command)).ShouldBeNull();

        var refund = (await Host.RefundAsync(command.IdempotencyKey)).ShouldNotBeNull();
        refund.RefundId.ShouldStartWith("re_");
        refund.PaymentIntentId.ShouldBe(paymentId);
        refund.Amount.ShouldBe(370000);
        (await Host.EventsAsync("charge.refunded", paymentId)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_take_back_what_the_payment_posted_to_the_ledger_once()
    {
        var lease = new Leases();
        var paymentId = await ChargedAsync(lease);
        (await Host.ReportAsync(lease.Succeeded(paymentId, 3700.00m))).ShouldBeNull();
        await Host.Published.WaitForAsync<LedgerEntryRecorded>(e => e.LeaseId == lease.LeaseId, count: 3);
        var command = lease.RefundMoveInFunds(paymentId, 3700.00m);

        (await Host.SendAsync(command)).ShouldBeNull();
        (await Host.SendAsync(command)).ShouldBeNull();

        await Host.Published.WaitForAsync<LedgerEntryRecorded>(e => e.LeaseId == lease.LeaseId, count: 6);
        var entries = await Host.LedgerAsync(lease.LeaseId);
        var chargeId = RentIds.Charge(lease.LeaseId, "2027-01");
        var payment = entries.Single(e => e.Kind == LedgerEntryKind.Payment);
        var held = entries.Single(e => e.Kind == LedgerEntryKind.DepositHeld && e.Amount.Amount < 0);
        entries.Where(e => e.RecordedAt >= payment.RecordedAt && e.EntryId != payment.EntryId && e.EntryId != held.EntryId && e.EntryId != chargeId)
            .Select(e => (e.Kind, e.Amount, e.Reverses)).ShouldBe(
            [
                (LedgerEntryKind.DepositHeld, Money.Of(1850.00m, "USD"), held.EntryId),
                (LedgerEntryKind.Refund, Money.Of(1850.00m, "USD"), null),
                (LedgerEntryKind.Credit, Money.Of(-1850.00m, "USD"), chargeId),
            ], ignoreOrder: true);
        entries.Where(e => e.Kind == LedgerEntryKind.DepositHeld).Sum(e => e.Amount.Amount).ShouldBe(0m, "the deposit went back");
        (await Host.BalanceAsync(lease.LeaseId)).ShouldBe(0m);
        (await Host.Published.SettledAsync<LedgerEntryRecorded>(TimeSpan.FromMilliseconds(500))).Count(e => e.LeaseId == lease.LeaseId).ShouldBe(6);
    }
}
