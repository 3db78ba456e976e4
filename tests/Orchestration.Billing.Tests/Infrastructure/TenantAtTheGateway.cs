using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>
/// The tenant paying a move-in intent at the worst moment: after Billing has read the intent as unpaid and just before
/// its cancellation reaches the gateway. Sits in front of Billing's gateway client; when the cancellation of an intent
/// the tenant is about to pay goes out, the tenant first confirms it through the gateway's own API, then the
/// cancellation goes on unchanged. Nothing is answered on the gateway's behalf.
/// </summary>
public sealed class TenantAtTheGateway(Uri gateway, string secretKey)
{
    readonly ConcurrentDictionary<string, string> _about = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, TaskCompletionSource<Payment>> _paid = new(StringComparer.Ordinal);

    /// <summary>The tenant's confirmation of an intent: the gateway's status code and the intent's status after it.</summary>
    public sealed record Payment(HttpStatusCode StatusCode, string IntentStatus);

    /// <summary>
    /// The tenant will confirm the intent with <paramref name="paymentMethod"/> when Billing next tries to cancel it.
    /// The task completes with the gateway's answer to the tenant, or fails when Billing never tries within 20 s.
    /// </summary>
    public Task<Payment> PaysJustBeforeTheCancellation(string intentId, string paymentMethod)
    {
        _about[intentId] = paymentMethod;
        return _paid.GetOrAdd(intentId, _ => new TaskCompletionSource<Payment>(TaskCreationOptions.RunContinuationsAsynchronously)).Task
            .WaitAsync(TimeSpan.FromSeconds(20));
    }

    public DelegatingHandler PaysFirst() => new Handler(this);

    async Task PayAsync(string intentId, string paymentMethod, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = gateway };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", secretKey);
        using var content = new FormUrlEncodedContent([KeyValuePair.Create("payment_method", paymentMethod)]);
        using var response = await client.PostAsync($"v1/payment_intents/{intentId}/confirm", content, cancellationToken);
        var body = JsonSerializer.Deserialize<JsonElement>(await response.Content.ReadAsStringAsync(cancellationToken));
        // A decline (402) carries the intent inside the error, as Stripe sends it.
        var intent = body.TryGetProperty("error", out var error) ? error.GetProperty("payment_intent") : body;
        _paid[intentId].TrySetResult(new Payment(response.StatusCode, intent.GetProperty("status").GetString()!));
    }

    sealed class Handler(TenantAtTheGateway tenant) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Method == HttpMethod.Post && request.RequestUri?.AbsolutePath.Split('/') is [.., "payment_intents", var intentId, "cancel"]
                && tenant._about.TryRemove(intentId, out var paymentMethod))
            {
                await tenant.PayAsync(intentId, paymentMethod, cancellationToken);
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
