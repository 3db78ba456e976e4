namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// <c>POST /webhooks/payments</c>, <c>/webhooks/esign</c> and <c>/webhooks/screening</c>. Their rate limits are applied
/// by <see cref="WebhookReceiver"/> after the signature check (<see cref="WebhookRateLimits"/>), not by the rate-limiting
/// middleware, which runs before it and would let unsigned junk use up what the providers may send.
/// </summary>
static class WebhookEndpoints
{
    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints)
    {
        var webhooks = endpoints.MapGroup("/webhooks");
        foreach (var provider in WebhookProvider.All)
        {
            webhooks.MapPost($"/{provider.Route}", (HttpRequest request, WebhookReceiver receiver, CancellationToken cancellationToken) =>
                receiver.ReceiveAsync(provider, request, cancellationToken));
        }
        return endpoints;
    }
}
