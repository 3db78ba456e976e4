namespace Orchestration.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The payment gateway simulator of a run, as a test drives it: its test controls (webhook copies, holding and
/// releasing, a payer's next payments, returns) and, with the run's API key, a payment a tenant makes themselves.
/// </summary>
public sealed class PaymentGatewayControls(Uri gateway, string secretKey) : IDisposable
{
    readonly HttpClient _http = new() { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Every following webhook is delivered <paramref name="copies"/> times, the copies at once.</summary>
    public Task DeliverEachWebhookAsync(int copies) => PostAsync($"_sim/webhooks/duplicates?count={copies}");

    /// <summary>The next <paramref name="count"/> webhooks (none: every following one) wait until <see cref="ReleaseNewestFirstAsync"/>.</summary>
    public Task HoldWebhooksAsync(int? count = null) => PostAsync(count is { } next ? $"_sim/webhooks/hold?count={next}" : "_sim/webhooks/hold");

    /// <summary>Stops holding and delivers the held webhooks newest first: in the reverse of the order they happened.</summary>
    public Task ReleaseNewestFirstAsync() => PostAsync("_sim/webhooks/release?order=reverse");

    /// <summary>The lease's next <paramref name="declines"/> payments are declined, or each stays processing <paramref name="settleAfter"/>.</summary>
    public Task ArrangeAsync(Guid leaseId, int declines = 0, TimeSpan? settleAfter = null)
    {
        var form = new List<KeyValuePair<string, string>> { KeyValuePair.Create("metadata[lease_id]", leaseId.ToString()) };
        if (declines > 0)
            form.Add(KeyValuePair.Create("decline", declines.ToString(CultureInfo.InvariantCulture)));
        if (settleAfter is { } delay)
            form.Add(KeyValuePair.Create("settle_after", delay.TotalSeconds.ToString(CultureInfo.InvariantCulture)));
        return PostAsync("_sim/payment_rules", form);
    }

    /// <summary>The payer's bank returns a succeeded payment (an ACH return).</summary>
    public Task ReturnAsync(string paymentIntentId) => PostAsync($"_sim/payment_intents/{paymentIntentId}/return");

    /// <summary>A card payment the tenant makes towards a rent charge themselves; returns the intent's id.</summary>
    public async Task<string> PayAsync(Guid leaseId, Guid chargeId, decimal amount)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/payment_intents")
        {
            Content = new FormUrlEncodedContent(
            [
                KeyValuePair.Create("amount", ((long)(amount * 100)).ToString(CultureInfo.InvariantCulture)),
                KeyValuePair.Create("currency", "usd"),
                KeyValuePair.Create("confirm", "true"),
                KeyValuePair.Create("payment_method", "pm_card_visa"),
                KeyValuePair.Create("metadata[lease_id]", leaseId.ToString()),
                KeyValuePair.Create("metadata[rent_charge]", chargeId.ToString()),
            ]),
        };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", secretKey);
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var response = await _http.SendAsync(request);
        var intent = await response.Content.ReadFromJsonAsync<JsonElement>();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"the tenant's payment: {intent}");
        intent.GetProperty("status").GetString().ShouldBe("succeeded");
        return intent.GetProperty("id").GetString()!;
    }

    /// <summary>The events the gateway has sent (or holds) of a type, as (intent id, rent charge, created) of the intent each is about.</summary>
    public async Task<List<(string IntentId, Guid? ChargeId, long Created)>> EventsAsync(string type)
    {
        var events = await _http.GetFromJsonAsync<JsonElement>($"_sim/webhooks/events?type={Uri.EscapeDataString(type)}");
        return
        [
            .. events.EnumerateArray().Select(e => e.GetProperty("payload")).Select(payload =>
            {
                var intent = payload.GetProperty("data").GetProperty("object");
                Guid? charge = intent.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
                    && metadata.TryGetProperty("rent_charge", out var value) && Guid.TryParse(value.GetString(), out var parsed) ? parsed : null;
                return (intent.GetProperty("id").GetString()!, charge, payload.GetProperty("created").GetInt64());
            }),
        ];
    }

    Task PostAsync(string path) => PostAsync(path, []);

    async Task PostAsync(string path, IEnumerable<KeyValuePair<string, string>> form)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync(path, content);
        response.IsSuccessStatusCode.ShouldBeTrue($"POST {path} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
    }

    public void Dispose() => _http.Dispose();
}
