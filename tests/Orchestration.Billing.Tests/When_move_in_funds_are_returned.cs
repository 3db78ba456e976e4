namespace Orchestration.Billing.Tests;

[Collection(BillingCollection.Name)]
public sealed class When_move_in_funds_are_returned(BillingFixture fixture)
{
    readonly BillingHost _host = fixture.Host;

    async Task<string> ChargedAsync(Leases lease)
    {
        (await _host.SendAsync(lease.RequestMoveInFunds())).ShouldBeNull();
        return (await _host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull().PaymentIntentId.ShouldNotBeNull();
    }

    [Fact]
    public async Task Should_refund_the_payment_once_when_the_command_arrives_twice()
    {
        var lease = new Leases();
        var paymentId = await ChargedAsync(lease);
        var command = lease.RefundMoveInFunds(paymentId, 3700.00m);

        (await _host.SendAsync(command)).ShouldBeNull();
        (await _host.SendAsync(command)).ShouldBeNull();

        var refund = (await _host.RefundAsync(command.IdempotencyKey)).ShouldNotBeNull();
        refund.RefundId.ShouldStartWith("re_");
        refund.PaymentIntentId.ShouldBe(paymentId);
        refund.Amount.ShouldBe(370000);
        (await _host.EventsAsync("charge.refunded", paymentId)).Count.ShouldBe(1);
    }
}
