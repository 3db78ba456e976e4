namespace Orchestration.Billing.Tests;

/// <summary>The saved card is declined; the tenant pays with another card at the moment the lease is called off.</summary>
public sealed class When_the_tenant_pays_as_the_cancellation_goes_out(DeclinedCardFixture fixture) : IClassFixture<DeclinedCardFixture>
{
    readonly BillingHost _host = fixture.Host;

    [Fact]
    public async Task Should_refund_the_payment_the_gateway_took_instead_of_cancelling_it()
    {
        var lease = new Leases();
        (await _host.SendAsync(lease.RequestMoveInFunds())).ShouldBeNull();
        var declined = (await _host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull();
        declined.IntentStatus.ShouldBe("requires_payment_method");
        var intentId = declined.PaymentIntentId.ShouldNotBeNull();
        var tenantPaid = _host.TenantPaysJustBeforeTheCancellation(intentId, "pm_card_visa");

        (await _host.SendAsync(lease.CancelMoveInFundsRequest())).ShouldBeNull();

        (await tenantPaid).ShouldBe(new BillingHost.TenantPayment(HttpStatusCode.OK, "succeeded"));
        var payment = (await _host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull();
        payment.CancelOutcome.ShouldBe(CancelOutcomes.Refunded);
        payment.IntentStatus.ShouldBe("succeeded");
        var refund = (await _host.RefundAsync($"{lease.FundsKey}-refund")).ShouldNotBeNull();
        refund.Amount.ShouldBe(370000);
        (await _host.EventsAsync("charge.refunded", intentId)).Count.ShouldBe(1);
        (await _host.EventsAsync("payment_intent.canceled", intentId)).ShouldBeEmpty();
        (await _host.IntentAsync(intentId)).GetProperty("status").GetString().ShouldBe("succeeded");
    }
}
