namespace Orchestration.Simulators.Tests.Payments;

public sealed class When_cancelling_a_payment_intent() : SimulatorsTest(o => o.Payments.Enabled = true)
{
    async Task<string> AwaitingPaymentAsync()
    {
        using var created = await StripeRequests.PostAsync(Harness.Payments, "/v1/payment_intents", null, ("amount", "5000"), ("currency", "usd"));
        var intent = await created.JsonAsync();
        intent.Text("status").ShouldBe("requires_payment_method");
        return intent.Text("id");
    }

    static Task<HttpResponseMessage> CancelAsync(HttpClient client, string intentId, string? idempotencyKey = null, string? reason = null) =>
        StripeRequests.PostAsync(client, $"/v1/payment_intents/{intentId}/cancel", idempotencyKey,
            reason is null ? [] : [("cancellation_reason", reason)]);

    [Fact]
    public async Task Should_cancel_an_intent_awaiting_payment_and_announce_it()
    {
        var intentId = await AwaitingPaymentAsync();

        using var response = await CancelAsync(Harness.Payments, intentId, "cancel-1", "abandoned");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var canceled = await response.JsonAsync();
        canceled.Text("id").ShouldBe(intentId);
        canceled.Text("status").ShouldBe("canceled");
        canceled.Text("cancellation_reason").ShouldBe("abandoned");
        var canceledAt = canceled.GetProperty("canceled_at").GetInt64();
        canceledAt.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var retrieved = await Harness.Payments.GetFromJsonAsync<JsonElement>($"/v1/payment_intents/{intentId}");
        retrieved.Text("status").ShouldBe("canceled");
        retrieved.GetProperty("canceled_at").GetInt64().ShouldBe(canceledAt);

        var webhook = (await Harness.Receiver.WaitForAsync(1, "payment_intent.canceled")).Single();
        webhook.Json.Text("data.object.id").ShouldBe(intentId);
        webhook.Json.Text("data.object.status").ShouldBe("canceled");
        webhook.Json.Text("data.object.cancellation_reason").ShouldBe("abandoned");
        webhook.Json.Text("request.idempotency_key").ShouldBe("cancel-1");
        SignatureCheck.IsValid(webhook.Header("Stripe-Signature"), webhook.Body, Harness.Options.Payments.Webhook.Secret).ShouldBeTrue();
    }

    [Fact]
    public async Task Should_keep_the_cancellation_fields_empty_on_an_intent_never_cancelled()
    {
        using var paid = await StripeRequests.PayAsync(Harness.Payments, 5000);

        var intent = await paid.JsonAsync();
        intent.IsNull("canceled_at").ShouldBeTrue();
        intent.IsNull("cancellation_reason").ShouldBeTrue();
    }

    [Fact]
    public async Task Should_cancel_a_declined_intent_and_then_refuse_to_confirm_or_refund_it()
    {
        using var declined = await StripeRequests.PayAsync(Harness.Payments, 5002);
        var intentId = (await declined.JsonAsync()).Text("error.payment_intent.id");

        using var cancel = await CancelAsync(Harness.Payments, intentId);
        using var confirm = await StripeRequests.PostAsync(Harness.Payments, $"/v1/payment_intents/{intentId}/confirm", null,
            ("payment_method", "pm_card_visa"));
        using var refund = await StripeRequests.PostAsync(Harness.Payments, "/v1/refunds", null, ("payment_intent", intentId));

        cancel.StatusCode.ShouldBe(HttpStatusCode.OK);
        var canceled = await cancel.JsonAsync();
        canceled.Text("status").ShouldBe("canceled");
        canceled.IsNull("cancellation_reason").ShouldBeTrue();
        confirm.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var confirmError = (await confirm.JsonAsync()).GetProperty("error");
        confirmError.Text("code").ShouldBe("payment_intent_unexpected_state");
        confirmError.Text("message").ShouldContain("status of canceled");
        refund.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refund.JsonAsync()).Text("error.code").ShouldBe("payment_intent_unexpected_state");
        var retrieved = await Harness.Payments.GetFromJsonAsync<JsonElement>($"/v1/payment_intents/{intentId}");
        retrieved.Text("status").ShouldBe("canceled");
        retrieved.Text("amount_received").ShouldBe("0");
    }

    [Theory]
    [InlineData(false, "succeeded")]
    [InlineData(true, "canceled")]
    public async Task Should_refuse_to_cancel_an_intent_that_is_paid_or_already_canceled(bool cancelFirst, string status)
    {
        string intentId;
        if (cancelFirst)
        {
            intentId = await AwaitingPaymentAsync();
            using var first = await CancelAsync(Harness.Payments, intentId);
            first.StatusCode.ShouldBe(HttpStatusCode.OK);
        }
        else
        {
            using var paid = await StripeRequests.PayAsync(Harness.Payments, 5000);
            intentId = (await paid.JsonAsync()).Text("id");
        }

        using var response = await CancelAsync(Harness.Payments, intentId, reason: "requested_by_customer");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await response.JsonAsync()).GetProperty("error");
        error.Text("type").ShouldBe("invalid_request_error");
        error.Text("code").ShouldBe("payment_intent_unexpected_state");
        error.Text("message").ShouldStartWith($"You cannot cancel this PaymentIntent because it has a status of {status}.");
        (await Harness.Payments.GetFromJsonAsync<JsonElement>($"/v1/payment_intents/{intentId}")).Text("status").ShouldBe(status);
    }

    [Fact]
    public async Task Should_replay_a_cancellation_under_its_key_and_announce_it_once()
    {
        var intentId = await AwaitingPaymentAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => CancelAsync(Harness.Payments, intentId, "cancel-once", "abandoned")));
        using var otherReason = await CancelAsync(Harness.Payments, intentId, "cancel-once", "duplicate");

        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));
        responses.ShouldAllBe(r => r.StatusCode == HttpStatusCode.OK);
        bodies.Distinct().Count().ShouldBe(1);
        responses.Count(r => !r.Headers.Contains("Idempotent-Replayed")).ShouldBe(1);
        otherReason.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await otherReason.JsonAsync()).Text("error.type").ShouldBe("idempotency_error");
        await Harness.Receiver.WaitForAsync(1, "payment_intent.canceled");
        await Task.Delay(200);
        (await Harness.SentEventsAsync(Harness.Payments)).Count(e => e.Text("type") == "payment_intent.canceled").ShouldBe(1);
        foreach (var response in responses)
            response.Dispose();
    }

    [Fact]
    public async Task Should_replay_a_refusal_under_its_key_like_any_other_answer()
    {
        using var created = await StripeRequests.PostAsync(Harness.Payments, "/v1/payment_intents", null,
            ("amount", "5000"), ("currency", "usd"), ("payment_method", "pm_card_visa"));
        var intentId = (await created.JsonAsync()).Text("id");
        using var confirmed = await StripeRequests.PostAsync(Harness.Payments, $"/v1/payment_intents/{intentId}/confirm", null);
        using var refused = await CancelAsync(Harness.Payments, intentId, "cancel-too-late");

        using var repeat = await CancelAsync(Harness.Payments, intentId, "cancel-too-late");

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        repeat.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        repeat.Headers.GetValues("Idempotent-Replayed").ShouldBe(["true"]);
        (await repeat.Content.ReadAsStringAsync()).ShouldBe(await refused.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("cancellation_reason=changed_my_mind", "cancellation_reason", null)]
    [InlineData("amount=100", "amount", "parameter_unknown")]
    public async Task Should_refuse_bad_parameters_without_keeping_the_key(string form, string param, string? code)
    {
        var intentId = await AwaitingPaymentAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/v1/payment_intents/{intentId}/cancel")
        {
            Content = new StringContent(form, System.Text.Encoding.UTF8, "application/x-www-form-urlencoded"),
            Headers = { { "Idempotency-Key", "fix-and-cancel" } },
        };

        using var refused = await Harness.Payments.SendAsync(request);
        using var corrected = await CancelAsync(Harness.Payments, intentId, "fix-and-cancel", "abandoned");

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await refused.JsonAsync()).GetProperty("error");
        error.Text("type").ShouldBe("invalid_request_error");
        error.Text("param").ShouldBe(param);
        (error.TryGetProperty("code", out var actual) ? actual.GetString() : null).ShouldBe(code);
        corrected.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await corrected.JsonAsync()).Text("status").ShouldBe("canceled");
    }

    [Fact]
    public async Task Should_answer_404_for_an_unknown_intent_and_401_without_the_key()
    {
        using var unknown = await CancelAsync(Harness.Payments, "pi_unknown");
        using var anonymous = TestSimulators.Client(Harness.Simulators.Payments!);
        var intentId = await AwaitingPaymentAsync();
        using var unauthorized = await CancelAsync(anonymous, intentId);

        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknown.JsonAsync()).Text("error.code").ShouldBe("resource_missing");
        unauthorized.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await Harness.Payments.GetFromJsonAsync<JsonElement>($"/v1/payment_intents/{intentId}")).Text("status").ShouldBe("requires_payment_method");
    }
}
