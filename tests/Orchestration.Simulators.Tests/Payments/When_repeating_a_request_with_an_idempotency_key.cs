namespace Orchestration.Simulators.Tests.Payments;

public sealed class When_repeating_a_request_with_an_idempotency_key() : SimulatorsTest(o => o.Payments.Enabled = true)
{
    [Fact]
    public async Task Should_replay_the_first_response_byte_for_byte_and_charge_once()
    {
        using var first = await StripeRequests.PostAsync(Harness.Payments, "/v1/payment_intents", "rent-2027-01",
            ("amount", "185000"), ("currency", "usd"), ("confirm", "true"), ("payment_method", "pm_card_visa"));
        // Same parameters in another order: Stripe compares parameters, not their order.
        using var repeat = await StripeRequests.PostAsync(Harness.Payments, "/v1/payment_intents", "rent-2027-01",
            ("payment_method", "pm_card_visa"), ("confirm", "true"), ("currency", "usd"), ("amount", "185000"));

        repeat.StatusCode.ShouldBe(first.StatusCode);
        (await repeat.Content.ReadAsByteArrayAsync()).ShouldBe(await first.Content.ReadAsByteArrayAsync());
        repeat.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        first.Headers.Contains("Idempotent-Replayed").ShouldBeFalse();
        await Harness.Receiver.WaitForAsync(1);
        await Task.Delay(200);
        (await Harness.SentEventsAsync(Harness.Payments)).Length.ShouldBe(1);
    }

    [Fact]
    public async Task Should_replay_a_decline_as_the_same_402()
    {
        using var first = await StripeRequests.PayAsync(Harness.Payments, 4095, "declined-once");
        using var repeat = await StripeRequests.PayAsync(Harness.Payments, 4095, "declined-once");

        repeat.StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        (await repeat.Content.ReadAsStringAsync()).ShouldBe(await first.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_refuse_the_same_key_with_other_parameters()
    {
        using var first = await StripeRequests.PayAsync(Harness.Payments, 1000, "reused-key");
        using var other = await StripeRequests.PayAsync(Harness.Payments, 2000, "reused-key");

        other.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await other.JsonAsync()).GetProperty("error");
        error.Text("type").ShouldBe("idempotency_error");
        error.Text("message").ShouldContain("reused-key");
    }

    [Fact]
    public async Task Should_not_keep_a_request_refused_for_its_parameters()
    {
        using var refused = await StripeRequests.PostAsync(Harness.Payments, "/v1/payment_intents", "fix-and-retry", ("amount", "1000"));
        using var corrected = await StripeRequests.PayAsync(Harness.Payments, 1000, "fix-and-retry");

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        corrected.StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Should_run_concurrent_repeats_once()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(_ => StripeRequests.PayAsync(Harness.Payments, 7_500, "concurrent")));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));

        bodies.Distinct().Count().ShouldBe(1);
        responses.Count(r => !r.Headers.Contains("Idempotent-Replayed")).ShouldBe(1);
        foreach (var response in responses)
            response.Dispose();
    }
}
