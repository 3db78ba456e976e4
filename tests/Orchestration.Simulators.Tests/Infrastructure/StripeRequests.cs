namespace Orchestration.Simulators.Tests.Infrastructure;

/// <summary>Stripe's form-encoded requests, as a Stripe client sends them.</summary>
internal static class StripeRequests
{
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string path, string? idempotencyKey, params (string Name, string Value)[] parameters)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(parameters.Select(p => KeyValuePair.Create(p.Name, p.Value))),
        };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }

    /// <summary>A confirmed card payment of <paramref name="amount"/> cents.</summary>
    public static Task<HttpResponseMessage> PayAsync(HttpClient client, long amount, string? idempotencyKey = null, string paymentMethod = "pm_card_visa") =>
        PostAsync(client, "/v1/payment_intents", idempotencyKey,
            ("amount", amount.ToString(System.Globalization.CultureInfo.InvariantCulture)), ("currency", "usd"),
            ("confirm", "true"), ("payment_method", paymentMethod), ("metadata[charge_id]", $"charge-{amount}"));
}
