namespace Orchestration.Simulators.Tests.Payments;

public sealed class When_settlement_is_delayed() : SimulatorsTest(o =>
{
    o.Payments.Enabled = true;
    o.Payments.SettlementDelay = Delay;
})
{
    // Long enough that a request right after the confirmation still finds the intent processing on a busy machine.
    static readonly TimeSpan Delay = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Should_answer_and_announce_a_settling_payment_as_stripe_net_reads_it()
    {
        using var http = new HttpClient();
        var stripe = When_stripe_net_reads_the_payment_simulator.Client(Harness, http, Harness.Options.Payments.SecretKey);

        var processing = await stripe.V1.PaymentIntents.CreateAsync(When_stripe_net_reads_the_payment_simulator.Charge(3000));

        processing.Status.ShouldBe("processing");
        When_stripe_net_reads_the_payment_simulator.ShouldMatch(processing);
        var webhooks = await Harness.Receiver.WaitForAsync(2);
        // Each event is delivered on its own, as Stripe's are, so they may arrive in either order.
        webhooks.Select(w => w.Type).ShouldBe(["payment_intent.processing", "payment_intent.succeeded"], ignoreOrder: true);
        foreach (var webhook in webhooks)
        {
            var stripeEvent = Stripe.EventUtility.ConstructEvent(webhook.Body, webhook.Header("Stripe-Signature"), Harness.Options.Payments.Webhook.Secret,
                tolerance: 300, throwOnApiVersionMismatch: true);
            stripeEvent.Data.Object.ShouldBeOfType<Stripe.PaymentIntent>().Id.ShouldBe(processing.Id);
            When_stripe_net_reads_the_payment_simulator.ShouldMatch(webhook.Json, JsonSerializer.Deserialize<JsonElement>(stripeEvent.ToJson()), webhook.Type);
        }
    }

    [Fact]
    public async Task Should_answer_processing_and_settle_later_with_a_webhook()
    {
        using var response = await StripeRequests.PayAsync(Harness.Payments, 2095);
        var intent = await response.JsonAsync();

        intent.Text("status").ShouldBe("processing");
        var webhooks = await Harness.Receiver.WaitForAsync(2);
        webhooks.Select(w => w.Type).ShouldBe(["payment_intent.processing", "payment_intent.payment_failed"], ignoreOrder: true);
        webhooks.Single(w => w.Type == "payment_intent.payment_failed").Json.Text("data.object.last_payment_error.decline_code").ShouldBe("insufficient_funds");
        var settled = await Harness.Payments.GetFromJsonAsync<JsonElement>($"/v1/payment_intents/{intent.Text("id")}");
        settled.Text("status").ShouldBe("requires_payment_method");
    }

    [Fact]
    public async Task Should_refuse_to_cancel_while_processing_and_settle_as_usual()
    {
        using var response = await StripeRequests.PayAsync(Harness.Payments, 3000);
        var intentId = (await response.JsonAsync()).Text("id");

        using var cancel = await StripeRequests.PostAsync(Harness.Payments, $"/v1/payment_intents/{intentId}/cancel", null);

        cancel.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
        var error = (await cancel.JsonAsync()).GetProperty("error");
        error.Text("code").ShouldBe("payment_intent_unexpected_state");
        error.Text("message").ShouldStartWith("You cannot cancel this PaymentIntent because it has a status of processing.");
        await Harness.Receiver.WaitForAsync(1, "payment_intent.succeeded");
        var settled = await Harness.Payments.GetFromJsonAsync<JsonElement>($"/v1/payment_intents/{intentId}");
        settled.Text("status").ShouldBe("succeeded");
        settled.IsNull("canceled_at").ShouldBeTrue();
    }
}
