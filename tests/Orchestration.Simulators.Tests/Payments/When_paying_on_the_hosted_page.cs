namespace Orchestration.Simulators.Tests.Payments;

/// <summary>
/// A declined intent stays open, and its payer pays it on the gateway's hosted page, which only the intent's client
/// secret opens, as Stripe's hosted pages work.
/// </summary>
public sealed class When_paying_on_the_hosted_page() : SimulatorsTest(o => o.Payments.Enabled = true)
{
    async Task<JsonElement> DeclinedAsync()
    {
        // Ends in 02: declined, whatever card the API confirms it with.
        using var created = await StripeRequests.PayAsync(Harness.Payments, 370002);
        created.StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        var intent = (await created.JsonAsync()).GetProperty("error").GetProperty("payment_intent");
        intent.Text("status").ShouldBe("requires_payment_method");
        return intent;
    }

    static Task<HttpResponseMessage> PayOnPageAsync(HttpClient payer, string clientSecret, string paymentMethod) =>
        payer.PostAsync($"/pay/{Uri.EscapeDataString(clientSecret)}", new FormUrlEncodedContent([KeyValuePair.Create("payment_method", paymentMethod)]));

    [Fact]
    public async Task Should_show_what_is_owed_and_take_a_good_card_with_a_signed_webhook()
    {
        var declined = await DeclinedAsync();
        var secret = declined.Text("client_secret");
        using var payer = new HttpClient { BaseAddress = Harness.Payments.BaseAddress };

        var page = await payer.GetAsync($"/pay/{Uri.EscapeDataString(secret)}");
        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        var html = await page.Content.ReadAsStringAsync();
        html.ShouldContain("3,700.02 USD");
        html.ShouldContain("did not go through");

        var paid = await PayOnPageAsync(payer, secret, "pm_card_visa");

        paid.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await paid.Content.ReadAsStringAsync()).ShouldContain("data-status=\"succeeded\"");
        var intent = await Harness.Payments.GetFromJsonAsync<JsonElement>($"/v1/payment_intents/{declined.Text("id")}");
        intent.Text("status").ShouldBe("succeeded");
        intent.GetProperty("amount_received").GetInt64().ShouldBe(370002);
        var webhook = (await Harness.Receiver.WaitForAsync(1, "payment_intent.succeeded")).Single();
        webhook.Json.Text("data.object.id").ShouldBe(declined.Text("id"));
        webhook.Json.Text("data.object.metadata.charge_id").ShouldBe("charge-370002");
        SignatureCheck.IsValid(webhook.Header("Stripe-Signature"), webhook.Body, Harness.Options.Payments.Webhook.Secret).ShouldBeTrue();
    }

    [Fact]
    public async Task Should_decline_a_declining_card_and_keep_the_intent_open()
    {
        var declined = await DeclinedAsync();
        using var payer = new HttpClient { BaseAddress = Harness.Payments.BaseAddress };

        var again = await PayOnPageAsync(payer, declined.Text("client_secret"), "pm_card_chargeDeclinedInsufficientFunds");

        again.StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        (await again.Content.ReadAsStringAsync()).ShouldContain("insufficient funds");
        (await Harness.Payments.GetFromJsonAsync<JsonElement>($"/v1/payment_intents/{declined.Text("id")}")).Text("status").ShouldBe("requires_payment_method");
    }

    [Fact]
    public async Task Should_open_nothing_for_a_guessed_or_missing_secret_and_charge_nothing()
    {
        var declined = await DeclinedAsync();
        using var payer = new HttpClient { BaseAddress = Harness.Payments.BaseAddress };

        (await payer.GetAsync($"/pay/{declined.Text("id")}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await payer.GetAsync($"/pay/{declined.Text("id")}_secret_00000000000000000000000000000000")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await PayOnPageAsync(payer, declined.Text("id"), "pm_card_visa")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await Harness.Payments.GetFromJsonAsync<JsonElement>($"/v1/payment_intents/{declined.Text("id")}")).Text("status").ShouldBe("requires_payment_method");
    }
}
