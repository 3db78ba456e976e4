namespace Orchestration.Simulators.Tests.Payments;

public sealed class When_creating_a_payment_intent() : SimulatorsTest(o => o.Payments.Enabled = true)
{
    [Fact]
    public async Task Should_succeed_for_an_ordinary_amount_and_remember_the_intent()
    {
        using var response = await StripeRequests.PayAsync(Harness.Payments, 185_000);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var intent = await response.JsonAsync();
        intent.Text("id").ShouldStartWith("pi_");
        intent.Text("object").ShouldBe("payment_intent");
        intent.Text("status").ShouldBe("succeeded");
        intent.Text("amount_received").ShouldBe("185000");
        intent.Text("currency").ShouldBe("usd");
        intent.Text("metadata.charge_id").ShouldBe("charge-185000");
        intent.Text("latest_charge").ShouldStartWith("ch_");
        intent.IsNull("last_payment_error").ShouldBeTrue();

        var retrieved = await Harness.Payments.GetFromJsonAsync<JsonElement>($"/v1/payment_intents/{intent.Text("id")}");
        retrieved.Text("status").ShouldBe("succeeded");
    }

    [Theory]
    [InlineData(2002, "card_declined", "generic_decline")]
    [InlineData(2095, "card_declined", "insufficient_funds")]
    [InlineData(2096, "expired_card", "expired_card")]
    [InlineData(2097, "processing_error", null)]
    public async Task Should_decline_by_the_amount_like_stripe_test_cards(long amount, string code, string? declineCode)
    {
        using var response = await StripeRequests.PayAsync(Harness.Payments, amount);

        response.StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        var error = (await response.JsonAsync()).GetProperty("error");
        error.Text("type").ShouldBe("card_error");
        error.Text("code").ShouldBe(code);
        (error.TryGetProperty("decline_code", out var decline) ? decline.GetString() : null).ShouldBe(declineCode);
        error.Text("payment_intent.status").ShouldBe("requires_payment_method");
        error.Text("payment_intent.last_payment_error.code").ShouldBe(code);
    }

    [Fact]
    public async Task Should_let_a_decline_test_payment_method_force_its_outcome()
    {
        using var response = await StripeRequests.PayAsync(Harness.Payments, 10_000, paymentMethod: "pm_card_chargeDeclinedInsufficientFunds");

        response.StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        (await response.JsonAsync()).Text("error.decline_code").ShouldBe("insufficient_funds");
    }

    [Fact]
    public async Task Should_wait_for_confirmation_when_not_confirmed_at_once()
    {
        using var created = await StripeRequests.PostAsync(Harness.Payments, "/v1/payment_intents", null,
            ("amount", "5000"), ("currency", "usd"), ("payment_method", "pm_card_visa"));
        var intent = await created.JsonAsync();
        intent.Text("status").ShouldBe("requires_confirmation");

        using var confirmed = await StripeRequests.PostAsync(Harness.Payments, $"/v1/payment_intents/{intent.Text("id")}/confirm", null);

        confirmed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await confirmed.JsonAsync()).Text("status").ShouldBe("succeeded");
        using var again = await StripeRequests.PostAsync(Harness.Payments, $"/v1/payment_intents/{intent.Text("id")}/confirm", null);
        (await again.JsonAsync()).Text("error.code").ShouldBe("payment_intent_unexpected_state");
    }

    [Fact]
    public async Task Should_refuse_a_missing_or_wrong_secret_key_with_a_stripe_error()
    {
        using var anonymous = TestSimulators.Client(Harness.Simulators.Payments!);
        using var wrongKey = TestSimulators.Client(Harness.Simulators.Payments!, "sk_test_wrong");

        foreach (var client in new[] { anonymous, wrongKey })
        {
            using var response = await StripeRequests.PayAsync(client, 1000);
            response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
            (await response.JsonAsync()).Text("error.type").ShouldBe("invalid_request_error");
        }
    }

    [Theory]
    [InlineData("currency=usd", "parameter_missing", "amount")]
    [InlineData("amount=12.50&currency=usd", "parameter_invalid_integer", "amount")]
    [InlineData("amount=1000&currency=usd&colour=red", "parameter_unknown", "colour")]
    [InlineData("amount=1000&currency=usd&payment_method=card_4242", "resource_missing", "payment_method")]
    public async Task Should_refuse_bad_parameters_like_stripe(string form, string code, string param)
    {
        using var content = new StringContent(form, Encoding.UTF8, "application/x-www-form-urlencoded");
        using var response = await Harness.Payments.PostAsync("/v1/payment_intents", content);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var error = (await response.JsonAsync()).GetProperty("error");
        error.Text("type").ShouldBe("invalid_request_error");
        error.Text("code").ShouldBe(code);
        error.Text("param").ShouldBe(param);
    }

    [Fact]
    public async Task Should_answer_404_for_an_unknown_intent()
    {
        using var response = await Harness.Payments.GetAsync("/v1/payment_intents/pi_unknown");

        response.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await response.JsonAsync()).Text("error.code").ShouldBe("resource_missing");
    }
}
