namespace Orchestration.Billing.Tests;

/// <summary>
/// Payments that settle later (bank debits): while one is processing it can be neither cancelled nor refunded, so the
/// cancellation fails (<see cref="Orchestration.Endpoints.Billing.Payments.MoveInPaymentSettlingException"/>) and the
/// delayed retries, through the durable scheduler, look again until it has settled.
/// </summary>
public sealed class When_a_settling_move_in_payment_is_cancelled(SettlingPaymentsFixture fixture) : IClassFixture<SettlingPaymentsFixture>
{
    static readonly TimeSpan Settled = SettlingPaymentsFixture.SettlementDelay * 6;
    readonly BillingHost _host = fixture.Host;

    async Task<string> ProcessingAsync(Leases lease, decimal rent = 1850.00m)
    {
        (await _host.SendAsync(lease.RequestMoveInFunds(rent: rent))).ShouldBeNull();
        var payment = (await _host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull();
        payment.IntentStatus.ShouldBe("processing");
        return payment.PaymentIntentId.ShouldNotBeNull();
    }

    /// <summary>
    /// The cancellation is handled, yet not carried out: the request is marked cancelled (committed before the gateway is
    /// called, so no charge can start after it), and the attempt failed and waits for its delayed retry.
    /// </summary>
    async Task NotYetWithdrawnAsync(Leases lease)
    {
        (await _host.SendAsync(lease.CancelMoveInFundsRequest())).ShouldBeNull();
        var payment = (await _host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull();
        payment.CancelledAt.ShouldNotBeNull();
        payment.CancelOutcome.ShouldBeNull();
    }

    Task WithdrawnAsync(Leases lease, string outcome) => Eventually.HoldsAsync(
        async () => (await _host.PaymentAsync(lease.FundsKey))?.CancelOutcome == outcome, Settled, $"the request is withdrawn: {outcome}");

    [Fact]
    public async Task Should_retry_until_the_payment_settles_then_refund_it()
    {
        var lease = new Leases();
        var intentId = await ProcessingAsync(lease);

        await NotYetWithdrawnAsync(lease);

        await WithdrawnAsync(lease, CancelOutcomes.Refunded);
        (await _host.IntentAsync(intentId)).GetProperty("status").GetString().ShouldBe("succeeded");
        var refund = (await _host.RefundAsync($"{lease.FundsKey}-refund")).ShouldNotBeNull();
        refund.Amount.ShouldBe(370000);
        refund.PaymentIntentId.ShouldBe(intentId);
        (await _host.EventsAsync("charge.refunded", intentId)).Count.ShouldBe(1);
        (await _host.EventsAsync("payment_intent.canceled", intentId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_cancel_a_settling_payment_once_it_is_declined()
    {
        var lease = new Leases();
        var intentId = await ProcessingAsync(lease, rent: 1850.02m);

        await NotYetWithdrawnAsync(lease);

        await WithdrawnAsync(lease, CancelOutcomes.IntentCanceled);
        (await _host.IntentAsync(intentId)).GetProperty("status").GetString().ShouldBe("canceled");
        (await _host.EventsAsync("payment_intent.payment_failed", intentId)).Count.ShouldBe(1);
        (await _host.EventsAsync("payment_intent.canceled", intentId)).Count.ShouldBe(1);
        (await _host.RefundAsync($"{lease.FundsKey}-refund")).ShouldBeNull();
    }

    [Fact]
    public async Task Should_still_cancel_when_the_tenant_tries_again_just_before_and_is_declined_again()
    {
        var lease = new Leases();
        var intentId = await ProcessingAsync(lease, rent: 1850.02m);
        await Eventually.HoldsAsync(async () => (await _host.IntentAsync(intentId)).GetProperty("status").GetString() == "requires_payment_method",
            Settled, "the first attempt is declined");
        var tenantPaid = _host.TenantPaysJustBeforeTheCancellation(intentId, "pm_card_visa");

        await NotYetWithdrawnAsync(lease);

        // The tenant's attempt was under way when the cancellation arrived: refused, and kept under {key}-cancel.
        (await tenantPaid).ShouldBe(new BillingHost.TenantPayment(HttpStatusCode.OK, "processing"));
        await WithdrawnAsync(lease, CancelOutcomes.IntentCanceled);
        var intent = await _host.IntentAsync(intentId);
        intent.GetProperty("status").GetString().ShouldBe("canceled");
        (await _host.EventsAsync("payment_intent.payment_failed", intentId)).Count.ShouldBe(2);
        var canceled = (await _host.EventsAsync("payment_intent.canceled", intentId)).ShouldHaveSingleItem();
        canceled.GetProperty("payload").GetProperty("request").GetProperty("idempotency_key").GetString()
            .ShouldBe($"{lease.FundsKey}-cancel-{intent.GetProperty("latest_charge").GetString()}");
    }
}
