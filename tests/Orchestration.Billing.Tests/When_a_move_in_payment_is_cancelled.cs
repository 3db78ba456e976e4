namespace Orchestration.Billing.Tests;

/// <summary>
/// The lease-signing saga withdraws its move-in funds request (the lease is off): whatever state the payment is in, no
/// money may reach the landlord afterwards. On PostgreSQL and on SQLite (the standalone mode), against the gateway simulator.
/// </summary>
public abstract class When_a_move_in_payment_is_cancelled(BillingHost host)
{
    async Task<string> DeclinedAsync(Leases lease)
    {
        // 1850.00 + 1850.02: the amount ends in 02, which the gateway declines; the intent waits for another payment method.
        (await host.SendAsync(lease.RequestMoveInFunds(1850.00m, 1850.02m))).ShouldBeNull();
        var payment = (await host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull();
        payment.IntentStatus.ShouldBe("requires_payment_method");
        return payment.PaymentIntentId.ShouldNotBeNull();
    }

    [Fact]
    public async Task Should_charge_nothing_when_cancelled_before_the_charge()
    {
        var lease = new Leases();

        (await host.SendAsync(lease.CancelMoveInFundsRequest())).ShouldBeNull();
        (await host.SendAsync(lease.RequestMoveInFunds())).ShouldBeNull();

        var payment = (await host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull();
        payment.CancelledAt.ShouldNotBeNull();
        payment.CancelOutcome.ShouldBe(CancelOutcomes.NotCharged);
        payment.PaymentIntentId.ShouldBeNull();
        (await host.EventsAsync("payment_intent.succeeded", lease.LeaseId.ToString())).ShouldBeEmpty();
        (await host.EventsAsync("payment_intent.payment_failed", lease.LeaseId.ToString())).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_cancel_a_declined_payment_at_the_gateway_so_the_tenant_cannot_pay_it_later()
    {
        var lease = new Leases();
        var intentId = await DeclinedAsync(lease);

        (await host.SendAsync(lease.CancelMoveInFundsRequest())).ShouldBeNull();

        var payment = (await host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull();
        payment.CancelledAt.ShouldNotBeNull();
        payment.CancelOutcome.ShouldBe(CancelOutcomes.IntentCanceled);
        payment.IntentStatus.ShouldBe("canceled");
        payment.IntentCanceledAt.ShouldNotBeNull().ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(-5));
        var intent = await host.IntentAsync(intentId);
        intent.GetProperty("status").GetString().ShouldBe("canceled");
        intent.GetProperty("cancellation_reason").GetString().ShouldBe("abandoned");
        var canceled = (await host.EventsAsync("payment_intent.canceled", intentId)).ShouldHaveSingleItem();
        canceled.GetProperty("payload").GetProperty("request").GetProperty("idempotency_key").GetString().ShouldBe($"{lease.FundsKey}-cancel");

        using var tenant = host.Gateway();
        using var form = new FormUrlEncodedContent([KeyValuePair.Create("payment_method", "pm_card_visa")]);
        using var later = await tenant.PostAsync($"v1/payment_intents/{intentId}/confirm", form);
        later.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await later.Content.ReadAsStringAsync()).ShouldContain("payment_intent_unexpected_state");
        (await host.IntentAsync(intentId)).GetProperty("amount_received").GetInt64().ShouldBe(0);
        (await host.RefundAsync($"{lease.FundsKey}-refund")).ShouldBeNull();
    }

    [Fact]
    public async Task Should_refund_a_paid_payment_once_and_leave_it_uncancelled()
    {
        var lease = new Leases();
        (await host.SendAsync(lease.RequestMoveInFunds())).ShouldBeNull();
        var intentId = (await host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull().PaymentIntentId.ShouldNotBeNull();

        (await host.SendAsync(lease.CancelMoveInFundsRequest())).ShouldBeNull();
        (await host.SendAsync(lease.CancelMoveInFundsRequest())).ShouldBeNull();

        var payment = (await host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull();
        payment.CancelOutcome.ShouldBe(CancelOutcomes.Refunded);
        payment.IntentStatus.ShouldBe("succeeded");
        payment.IntentCanceledAt.ShouldBeNull();
        var refund = (await host.RefundAsync($"{lease.FundsKey}-refund")).ShouldNotBeNull();
        refund.PaymentIntentId.ShouldBe(intentId);
        refund.Amount.ShouldBe(370000);
        (await host.EventsAsync("charge.refunded", intentId)).Count.ShouldBe(1);
        (await host.EventsAsync("payment_intent.canceled", intentId)).ShouldBeEmpty();
        (await host.IntentAsync(intentId)).GetProperty("status").GetString().ShouldBe("succeeded");
    }

    [Fact]
    public async Task Should_refund_a_payment_charged_while_the_cancellation_was_arriving()
    {
        var lease = new Leases();
        host.LeaseCalledOffDuringTheCharge(lease, after: TimeSpan.FromMilliseconds(500));

        (await host.SendAsync(lease.RequestMoveInFunds())).ShouldBeNull();

        await Eventually.HoldsAsync(async () => (await host.PaymentAsync(lease.FundsKey))?.CancelOutcome is not null, TimeSpan.FromSeconds(10),
            "the cancellation is carried out");
        var payment = (await host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull();
        var intentId = payment.PaymentIntentId.ShouldNotBeNull();
        payment.CancelOutcome.ShouldBe(CancelOutcomes.Refunded);
        (await host.RefundAsync($"{lease.FundsKey}-refund")).ShouldNotBeNull().Amount.ShouldBe(370000);
        (await host.EventsAsync("charge.refunded", intentId)).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_cancel_once_when_the_same_command_arrives_twice()
    {
        var lease = new Leases();
        var intentId = await DeclinedAsync(lease);
        var command = lease.CancelMoveInFundsRequest();
        var messageId = Guid.NewGuid();

        // Two copies at once under different message ids (a resend), then the first copy again (a redelivery).
        var results = await Task.WhenAll(host.SendAsync(command, messageId), host.SendAsync(command));
        var redelivered = await host.SendAsync(command, messageId);

        results.ShouldAllBe(failure => failure == null);
        redelivered.ShouldBeNull();
        (await host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull().CancelOutcome.ShouldBe(CancelOutcomes.IntentCanceled);
        await Task.Delay(200);
        (await host.EventsAsync("payment_intent.canceled", intentId)).Count.ShouldBe(1);
    }
}
