namespace Orchestration.Simulators.Tests.Payments;

public sealed class When_payment_webhooks_are_delivered() : SimulatorsTest(o => o.Payments.Enabled = true)
{
    string Secret => Harness.Options.Payments.Webhook.Secret;

    [Fact]
    public async Task Should_post_a_stripe_event_signed_with_the_webhook_secret_for_each_outcome()
    {
        using var succeeded = await StripeRequests.PayAsync(Harness.Payments, 3000, "pay-1");
        using var failed = await StripeRequests.PayAsync(Harness.Payments, 3002);

        var webhooks = await Harness.Receiver.WaitForAsync(2);

        var success = webhooks.Single(w => w.Type == "payment_intent.succeeded");
        var failure = webhooks.Single(w => w.Type == "payment_intent.payment_failed");
        foreach (var webhook in webhooks)
        {
            webhook.Header("Content-Type").ShouldStartWith("application/json");
            SignatureCheck.IsValid(webhook.Header("Stripe-Signature"), webhook.Body, Secret).ShouldBeTrue();
            SignatureCheck.IsValid(webhook.Header("Stripe-Signature"), webhook.Body, "whsec_someone_else").ShouldBeFalse();
            webhook.EventId.ShouldStartWith("evt_");
            webhook.Json.Text("object").ShouldBe("event");
            webhook.Json.GetProperty("created").GetInt64().ShouldBeGreaterThan(0);
        }
        success.Json.Text("data.object.id").ShouldBe((await succeeded.JsonAsync()).Text("id"));
        success.Json.Text("request.idempotency_key").ShouldBe("pay-1");
        failure.Json.Text("data.object.last_payment_error.code").ShouldBe("card_declined");
    }

    [Fact]
    public async Task Should_retry_with_backoff_until_the_endpoint_answers_2xx()
    {
        Harness.Receiver.AnswerNext(500, 503);

        using var _ = await StripeRequests.PayAsync(Harness.Payments, 3000);

        var attempts = await Harness.Receiver.WaitForAsync(3);
        attempts.Select(a => a.EventId).Distinct().Count().ShouldBe(1);
        attempts.Select(a => a.AnsweredWith).ShouldBe([500, 503, 200]);
        attempts.ShouldAllBe(a => SignatureCheck.IsValid(a.Header("Stripe-Signature"), a.Body, Secret));
        // The receiver keeps a request before it answers; the simulator records the attempt once the answer is back.
        JsonElement sent = default;
        await Eventually.HoldsAsync(async () =>
        {
            sent = (await Harness.SentEventsAsync(Harness.Payments)).Single();
            return sent.GetProperty("delivered").GetInt32() == 1;
        }, TimeSpan.FromSeconds(10), "the simulator recorded the delivery");
        sent.GetProperty("attempts").GetArrayLength().ShouldBe(3);
    }

    [Fact]
    public async Task Should_give_up_after_the_configured_number_of_attempts()
    {
        Harness.Receiver.AnswerNext([.. Enumerable.Repeat(500, 20)]);

        using var _ = await StripeRequests.PayAsync(Harness.Payments, 3000);

        await Harness.Receiver.WaitForAsync(Harness.Options.Payments.Webhook.MaxAttempts);
        await Task.Delay(600);
        Harness.Receiver.Received.Count.ShouldBe(Harness.Options.Payments.Webhook.MaxAttempts);
    }

    [Fact]
    public async Task Should_deliver_every_event_as_many_times_as_asked()
    {
        using (var duplicates = await Harness.Payments.PostAsync("/_sim/webhooks/duplicates?count=3", null))
            duplicates.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var _ = await StripeRequests.PayAsync(Harness.Payments, 3000);

        var copies = await Harness.Receiver.WaitForAsync(3);
        copies.Select(c => c.EventId).Distinct().Count().ShouldBe(1);
        copies.Select(c => c.Body).Distinct().Count().ShouldBe(1);
    }

    [Fact]
    public async Task Should_resend_an_event_on_request()
    {
        using var _ = await StripeRequests.PayAsync(Harness.Payments, 3000);
        var first = (await Harness.Receiver.WaitForAsync(1))[0];

        using (var resend = await Harness.Payments.PostAsync($"/_sim/webhooks/events/{first.EventId}/redeliver", null))
            resend.StatusCode.ShouldBe(HttpStatusCode.Accepted);

        (await Harness.Receiver.WaitForAsync(2)).ShouldAllBe(w => w.EventId == first.EventId);
    }

    [Fact]
    public async Task Should_deliver_a_held_event_after_later_ones()
    {
        using (var hold = await Harness.Payments.PostAsync("/_sim/webhooks/hold?count=1", null))
            hold.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var earlier = await StripeRequests.PayAsync(Harness.Payments, 1000);
        using var later = await StripeRequests.PayAsync(Harness.Payments, 2000);
        await Harness.Receiver.WaitForAsync(1);
        using (var release = await Harness.Payments.PostAsync("/_sim/webhooks/release", null))
            (await release.JsonAsync()).GetProperty("released").GetInt32().ShouldBe(1);

        var arrived = await Harness.Receiver.WaitForAsync(2);
        arrived.Select(w => w.Json.Text("data.object.id"))
            .ShouldBe([(await later.JsonAsync()).Text("id"), (await earlier.JsonAsync()).Text("id")]);
    }

    [Fact]
    public async Task Should_list_what_it_sent()
    {
        using var _ = await StripeRequests.PayAsync(Harness.Payments, 3002);
        await Harness.Receiver.WaitForAsync(1);

        var sent = await Harness.Payments.GetFromJsonAsync<JsonElement>("/_sim/webhooks/events?type=payment_intent.payment_failed");

        var only = sent.EnumerateArray().ShouldHaveSingleItem();
        only.Text("payload.data.object.status").ShouldBe("requires_payment_method");
        only.GetProperty("held").GetBoolean().ShouldBeFalse();
    }
}
