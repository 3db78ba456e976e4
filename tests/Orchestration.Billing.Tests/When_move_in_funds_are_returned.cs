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
}
