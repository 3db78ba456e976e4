namespace Orchestration.Simulators.Tests.ESignature;

internal static class Envelopes
{
    public static object Lease(string signerEmail = "ada@example.com", string? callbackUrl = null) => new
    {
        document = new { name = "Lease 12B.pdf", contentBase64 = Convert.ToBase64String("%PDF-1.7 lease"u8.ToArray()) },
        signer = new { name = "Ada Lovelace", email = signerEmail },
        countersigner = new { name = "Grace Hopper", email = "landlord@example.com" },
        reference = "lease-42",
        callbackUrl,
    };

    public static async Task<HttpResponseMessage> CreateAsync(HttpClient client, object envelope, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/envelopes") { Content = JsonContent.Create(envelope) };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }
}
