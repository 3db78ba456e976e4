namespace Orchestration.Simulators.Tests.Payments;

/// <summary>
/// What a payer's bank does days after a payment, on demand through the simulator's controls: a return
/// (<c>payment_intent.payment_failed</c> on a succeeded intent) and a dispute opened and closed. Every webhook is read by
/// Stripe.net's own models, field by field, as the other payment webhooks are.
/// </summary>
public sealed class When_a_payment_is_returned_or_disputed() : SimulatorsTest(o => o.Payments.Enabled = true)
{
    [Fact]
    public async Task Should_send_the_return_and_the_dispute_as_stripe_net_events()
    {
        using var http = new HttpClient();
        var intents = When_stripe_net_reads_the_payment_simulator.Client(Harness, http, Harness.Options.Payments.SecretKey).V1.PaymentIntents;
        var returned = await intents.CreateAsync(When_stripe_net_reads_the_payment_simulator.Charge(185000), new Stripe.RequestOptions { IdempotencyKey = "returned" });
        var disputed = await intents.CreateAsync(When_stripe_net_reads_the_payment_simulator.Charge(185000), new Stripe.RequestOptions { IdempotencyKey = "disputed" });
        using var controls = new HttpClient { BaseAddress = Harness.Simulators.Payments };

        (await controls.PostAsync($"_sim/payment_intents/{returned.Id}/return", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await controls.PostAsync($"_sim/payment_intents/{returned.Id}/return", null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "it is no longer succeeded");
        using var opened = await controls.PostAsync($"_sim/payment_intents/{disputed.Id}/dispute", null);
        var disputeId = (await opened.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
        (await controls.PostAsync($"_sim/disputes/{disputeId}/close?outcome=won", null)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await controls.PostAsync($"_sim/disputes/{disputeId}/close?outcome=lost", null)).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "it is closed");

        var webhooks = (await Harness.Receiver.WaitForAsync(5)).Where(w => w.Type != "payment_intent.succeeded").ToList();

        webhooks.Select(w => w.Type).Order().ShouldBe(["charge.dispute.closed", "charge.dispute.created", "payment_intent.payment_failed"]);
        foreach (var webhook in webhooks)
        {
            var stripeEvent = Stripe.EventUtility.ConstructEvent(webhook.Body, webhook.Header("Stripe-Signature"), Harness.Options.Payments.Webhook.Secret,
                tolerance: 300, throwOnApiVersionMismatch: true);
            When_stripe_net_reads_the_payment_simulator.ShouldMatch(webhook.Json, JsonSerializer.Deserialize<JsonElement>(stripeEvent.ToJson()), webhook.Type);
            switch (stripeEvent.Data.Object)
            {
                case Stripe.PaymentIntent intent:
                    (intent.Id, intent.Status, intent.LastPaymentError.Code).ShouldBe((returned.Id, "requires_payment_method", "insufficient_funds"));
                    break;
                case Stripe.Dispute dispute:
                    (dispute.PaymentIntentId, dispute.Amount, dispute.Currency).ShouldBe((disputed.Id, 185000L, "usd"));
                    dispute.Status.ShouldBe(webhook.Type == "charge.dispute.closed" ? "won" : "needs_response");
                    break;
                default:
                    throw new ShouldAssertException($"{webhook.Type} carries a {stripeEvent.Data.Object.GetType().Name}");
            }
        }
    }
}
