using System.Threading.RateLimiting;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// The webhooks' two budgets, both fixed windows (<see cref="WebhookOptions"/>): correctly signed deliveries have one per
/// provider, whatever address they come from, so no one without the provider's secret can spend it; refused deliveries
/// have one per remote address. The address is <c>HttpContext.Connection.RemoteIpAddress</c>, which is the client's own
/// once forwarded headers from the configured proxies have been applied.
/// </summary>
public sealed class WebhookRateLimits : IDisposable
{
    readonly PartitionedRateLimiter<string> _signed;
    readonly PartitionedRateLimiter<string> _refused;

    public WebhookRateLimits(IOptions<WebhookOptions> options)
    {
        var settings = options.Value;
        _signed = Limiter(settings.RateLimit);
        _refused = Limiter(settings.RefusedRateLimit);
    }

    /// <summary>A permit for one signed delivery of the provider's, or a refusal with how long to wait.</summary>
    public RateLimitLease AcquireSigned(WebhookProvider provider) => _signed.AttemptAcquire(provider.Name);

    /// <summary>A permit for one more refused delivery from the address, or a refusal with how long to wait.</summary>
    public RateLimitLease AcquireRefused(HttpContext context) =>
        _refused.AttemptAcquire(context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    public void Dispose()
    {
        _signed.Dispose();
        _refused.Dispose();
    }

    static PartitionedRateLimiter<string> Limiter(WebhookRateLimit limit) =>
        PartitionedRateLimiter.Create<string, string>(key => RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = limit.PermitLimit,
            Window = limit.Window,
            QueueLimit = 0,
        }));
}
