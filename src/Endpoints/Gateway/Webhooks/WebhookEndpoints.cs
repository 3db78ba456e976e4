using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// <c>POST /webhooks/payments</c>, <c>/webhooks/esign</c> and <c>/webhooks/screening</c>, and the per-address rate limit
/// in front of them. The host calls <c>app.UseRateLimiter()</c> before mapping them.
/// </summary>
static class WebhookEndpoints
{
    public const string RateLimitPolicy = "gateway-webhooks";

    public static IEndpointRouteBuilder Map(IEndpointRouteBuilder endpoints)
    {
        var webhooks = endpoints.MapGroup("/webhooks").RequireRateLimiting(RateLimitPolicy);
        webhooks.MapPost("/payments", (HttpRequest request, WebhookReceiver receiver, CancellationToken cancellationToken) =>
            receiver.ReceiveAsync(WebhookProvider.Payments, request, cancellationToken));
        webhooks.MapPost("/esign", (HttpRequest request, WebhookReceiver receiver, CancellationToken cancellationToken) =>
            receiver.ReceiveAsync(WebhookProvider.ESignature, request, cancellationToken));
        webhooks.MapPost("/screening", (HttpRequest request, WebhookReceiver receiver, CancellationToken cancellationToken) =>
            receiver.ReceiveAsync(WebhookProvider.Screening, request, cancellationToken));
        return endpoints;
    }

    /// <summary>A fixed window per remote address (<see cref="WebhookOptions.RateLimit"/>); past it, 429 with <c>Retry-After</c>.</summary>
    public static void AddRateLimit(RateLimiterOptions limiter)
    {
        limiter.AddPolicy(RateLimitPolicy, context =>
        {
            var limit = context.RequestServices.GetRequiredService<IOptions<WebhookOptions>>().Value.RateLimit;
            var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            return RateLimitPartition.GetFixedWindowLimiter(address, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = limit.PermitLimit,
                Window = limit.Window,
                QueueLimit = 0,
            });
        });
        limiter.OnRejected = async (rejected, cancellationToken) =>
        {
            var response = rejected.HttpContext.Response;
            if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many webhook deliveries",
                detail: "This address has sent more webhooks than the Gateway accepts per window; retry later.").ExecuteAsync(rejected.HttpContext);
        };
    }
}
