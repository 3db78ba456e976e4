namespace Orchestration.Simulators.Tests.Payments;

/// <summary>
/// Every answer and webhook of the payment simulator that the platform uses, read by Stripe.net's own client and models:
/// the proof that the simulator speaks Stripe. Every field of each body must be one Stripe.net's model has, with the
/// same value when Stripe.net writes the model back out, so a misnamed or mistyped field fails here.
/// </summary>
public sealed class When_stripe_net_reads_the_payment_simulator() : SimulatorsTest(o => o.Payments.Enabled = true)
{
    static readonly Dictionary<string, string> Metadata = new() { ["lease_id"] = "0b4f8a5e-5b8c-4d3e-9a7e-2f1c0d9e8b7a", ["move_in_request"] = "move-in-1" };

    [Fact]
    public async Task Should_read_every_answer_as_stripe_nets_payment_intent_refund_and_error()
    {
        using var http = new HttpClient();
        var stripe = Client(http, Harness.Options.Payments.SecretKey);
        var intents = stripe.V1.PaymentIntents;

        var paid = await intents.CreateAsync(Charge(370000), Keyed("compat-pay"));
        paid.Status.ShouldBe("succeeded");
        paid.AmountReceived.ShouldBe(370000);
        paid.LatestChargeId.ShouldStartWith("ch_");
        paid.ClientSecret.ShouldStartWith($"{paid.Id}_secret_");
        paid.Metadata.ShouldBe(Metadata);
        ShouldMatch(paid);
        (await intents.CreateAsync(Charge(370000), Keyed("compat-pay"))).Id.ShouldBe(paid.Id);

        var declined = await Should.ThrowAsync<Stripe.StripeException>(() => intents.CreateAsync(Charge(370002), Keyed("compat-decline")));
        declined.HttpStatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        declined.StripeError.Type.ShouldBe("card_error");
        declined.StripeError.Code.ShouldBe("card_declined");
        declined.StripeError.DeclineCode.ShouldBe("generic_decline");
        declined.StripeError.PaymentIntent.Status.ShouldBe("requires_payment_method");
        declined.StripeError.PaymentIntent.LastPaymentError.DeclineCode.ShouldBe("generic_decline");
        ShouldMatch(declined);

        var fetched = await intents.GetAsync(paid.Id);
        fetched.Status.ShouldBe("succeeded");
        ShouldMatch(fetched);

        var canceled = await intents.CancelAsync(declined.StripeError.PaymentIntent.Id, new Stripe.PaymentIntentCancelOptions { CancellationReason = "abandoned" },
            Keyed("compat-cancel"));
        canceled.Status.ShouldBe("canceled");
        canceled.CancellationReason.ShouldBe("abandoned");
        canceled.CanceledAt.ShouldNotBeNull();
        ShouldMatch(canceled);

        var notCancellable = await Should.ThrowAsync<Stripe.StripeException>(() =>
            intents.CancelAsync(paid.Id, new Stripe.PaymentIntentCancelOptions { CancellationReason = "abandoned" }, Keyed("compat-cancel-paid")));
        notCancellable.HttpStatusCode.ShouldBe(HttpStatusCode.BadRequest);
        notCancellable.StripeError.Type.ShouldBe("invalid_request_error");
        notCancellable.StripeError.Code.ShouldBe("payment_intent_unexpected_state");
        ShouldMatch(notCancellable);

        var refund = await stripe.V1.Refunds.CreateAsync(new Stripe.RefundCreateOptions { PaymentIntent = paid.Id, Amount = 100000, Metadata = Metadata },
            Keyed("compat-refund"));
        refund.PaymentIntentId.ShouldBe(paid.Id);
        refund.Amount.ShouldBe(100000);
        refund.Status.ShouldBe("succeeded");
        ShouldMatch(refund);

        var missing = await Should.ThrowAsync<Stripe.StripeException>(() => intents.GetAsync("pi_nobody_made"));
        missing.HttpStatusCode.ShouldBe(HttpStatusCode.NotFound);
        missing.StripeError.Code.ShouldBe("resource_missing");
        ShouldMatch(missing);

        var reused = await Should.ThrowAsync<Stripe.StripeException>(() => intents.CreateAsync(Charge(370100), Keyed("compat-pay")));
        reused.HttpStatusCode.ShouldBe(HttpStatusCode.BadRequest);
        reused.StripeError.Type.ShouldBe("idempotency_error");
        ShouldMatch(reused);

        var unauthorized = await Should.ThrowAsync<Stripe.StripeException>(() => Client(http, "sk_test_not_this_one").V1.PaymentIntents.GetAsync(paid.Id));
        unauthorized.HttpStatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        unauthorized.StripeError.Type.ShouldBe("invalid_request_error");
        ShouldMatch(unauthorized);
    }

    [Fact]
    public async Task Should_send_every_webhook_as_a_stripe_net_event_of_its_own_api_version()
    {
        using var http = new HttpClient();
        var intents = Client(http, Harness.Options.Payments.SecretKey).V1.PaymentIntents;
        var paid = await intents.CreateAsync(Charge(370000), Keyed("compat-webhook-pay"));
        var declined = await Should.ThrowAsync<Stripe.StripeException>(() => intents.CreateAsync(Charge(370002), Keyed("compat-webhook-decline")));
        await intents.CancelAsync(declined.StripeError.PaymentIntent.Id, new Stripe.PaymentIntentCancelOptions { CancellationReason = "abandoned" },
            Keyed("compat-webhook-cancel"));
        await Client(http, Harness.Options.Payments.SecretKey).V1.Refunds.CreateAsync(new Stripe.RefundCreateOptions { PaymentIntent = paid.Id },
            Keyed("compat-webhook-refund"));

        var webhooks = await Harness.Receiver.WaitForAsync(4);

        webhooks.Select(w => w.Type).Order().ShouldBe(["charge.refunded", "payment_intent.canceled", "payment_intent.payment_failed", "payment_intent.succeeded"]);
        foreach (var webhook in webhooks)
        {
            var stripeEvent = Stripe.EventUtility.ConstructEvent(webhook.Body, webhook.Header("Stripe-Signature"), Harness.Options.Payments.Webhook.Secret,
                tolerance: 300, throwOnApiVersionMismatch: true);
            stripeEvent.Id.ShouldBe(webhook.EventId);
            stripeEvent.Type.ShouldBe(webhook.Type);
            stripeEvent.ApiVersion.ShouldBe(Stripe.StripeConfiguration.ApiVersion);
            if (webhook.Type.StartsWith("charge.", StringComparison.Ordinal))
                stripeEvent.Data.Object.ShouldBeOfType<Stripe.Charge>().PaymentIntentId.ShouldBe(paid.Id);
            else
                stripeEvent.Data.Object.ShouldBeOfType<Stripe.PaymentIntent>().Metadata.ShouldBe(Metadata);
            ShouldMatch(webhook.Json, JsonSerializer.Deserialize<JsonElement>(stripeEvent.ToJson()), webhook.Type);
        }
    }

    Stripe.StripeClient Client(HttpClient http, string apiKey) => Client(Harness, http, apiKey);

    /// <summary>Stripe.net's own client, on the simulator instead of Stripe's API, with no retries of its own.</summary>
    internal static Stripe.StripeClient Client(Harness harness, HttpClient http, string apiKey) => new(new Stripe.StripeClientOptions
    {
        ApiKey = apiKey,
        ApiBase = harness.Simulators.Payments!.ToString().TrimEnd('/'),
        HttpClient = new Stripe.SystemNetHttpClient(http, maxNetworkRetries: 0, enableTelemetry: false),
    });

    internal static Stripe.PaymentIntentCreateOptions Charge(long amount) =>
        new() { Amount = amount, Currency = "usd", Confirm = true, PaymentMethod = "pm_card_visa", Metadata = Metadata };

    static Stripe.RequestOptions Keyed(string idempotencyKey) => new() { IdempotencyKey = idempotencyKey };

    internal static void ShouldMatch(Stripe.StripeEntity entity) =>
        ShouldMatch(JsonSerializer.Deserialize<JsonElement>(entity.StripeResponse.Content), JsonSerializer.Deserialize<JsonElement>(entity.ToJson()),
            entity.GetType().Name);

    static void ShouldMatch(Stripe.StripeException refusal) =>
        ShouldMatch(JsonSerializer.Deserialize<JsonElement>(refusal.StripeResponse.Content).GetProperty("error"),
            JsonSerializer.Deserialize<JsonElement>(refusal.StripeError.ToJson()), "error");

    /// <summary>Every field the simulator sent is in Stripe.net's model, with the same value (null is any value).</summary>
    internal static void ShouldMatch(JsonElement sent, JsonElement read, string path)
    {
        switch (sent.ValueKind)
        {
            case JsonValueKind.Object:
                read.ValueKind.ShouldBe(JsonValueKind.Object, path);
                foreach (var field in sent.EnumerateObject())
                {
                    read.TryGetProperty(field.Name, out var value).ShouldBeTrue($"Stripe.net's model has no {path}.{field.Name}");
                    ShouldMatch(field.Value, value, $"{path}.{field.Name}");
                }
                break;
            case JsonValueKind.Array:
                read.GetArrayLength().ShouldBe(sent.GetArrayLength(), path);
                foreach (var (item, index) in sent.EnumerateArray().Select((item, index) => (item, index)))
                    ShouldMatch(item, read[index], $"{path}[{index}]");
                break;
            case JsonValueKind.Number:
                read.ValueKind.ShouldBe(JsonValueKind.Number, path);
                read.GetDecimal().ShouldBe(sent.GetDecimal(), path);
                break;
            case JsonValueKind.String:
                read.GetString().ShouldBe(sent.GetString(), path);
                break;
            case JsonValueKind.True or JsonValueKind.False:
                read.ValueKind.ShouldBe(sent.ValueKind, path);
                break;
        }
    }
}
