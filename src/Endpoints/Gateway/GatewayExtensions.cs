using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Orchestration.Endpoints.Gateway.Webhooks;

namespace Orchestration.Endpoints.Gateway;

public static class GatewayExtensions
{
    public const string WebhookRateLimitPolicy = "gateway-webhooks";

    /// <summary>
    /// The webhook receivers' services: options, the receipts table, and the per-address rate limit. The host also calls
    /// <c>AddOrchestrationEndpoint</c> (storage, bus outbox) and <c>app.UseRateLimiter()</c> before <see cref="MapWebhooks"/>.
    /// </summary>
    public static IServiceCollection AddGatewayWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.AddOptions<WebhookOptions>().Bind(configuration.GetSection(WebhookOptions.Section));
        services.AddSingleton(GatewayMigrations.WebhookReceipts);
        services.AddSingleton(GatewayMigrations.WebhookReceiptsReceivedAt);
        services.AddSingleton<WebhookReceiptStore>();
        services.AddHostedService<WebhookReceiptCleanup>();
        services.AddScoped<WebhookReceiver>();
        services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(WebhookRateLimitPolicy, context =>
            {
                var limit = context.RequestServices.GetRequiredService<IOptions<WebhookOptions>>().Value.RateLimit;
                return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
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
                    response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
                await Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many webhook deliveries",
                    detail: "This address has sent more webhooks than the Gateway accepts per window; retry later.").ExecuteAsync(rejected.HttpContext);
            };
        });
        return services;
    }

    /// <summary><c>POST /webhooks/payments</c>, <c>/webhooks/esign</c> and <c>/webhooks/screening</c>.</summary>
    public static IEndpointRouteBuilder MapWebhooks(this IEndpointRouteBuilder endpoints)
    {
        var webhooks = endpoints.MapGroup("/webhooks").RequireRateLimiting(WebhookRateLimitPolicy);
        webhooks.MapPost("/payments", (HttpRequest request, WebhookReceiver receiver, CancellationToken cancellationToken) =>
            receiver.ReceiveAsync(WebhookProvider.Payments, request, cancellationToken));
        webhooks.MapPost("/esign", (HttpRequest request, WebhookReceiver receiver, CancellationToken cancellationToken) =>
            receiver.ReceiveAsync(WebhookProvider.ESignature, request, cancellationToken));
        webhooks.MapPost("/screening", (HttpRequest request, WebhookReceiver receiver, CancellationToken cancellationToken) =>
            receiver.ReceiveAsync(WebhookProvider.Screening, request, cancellationToken));
        return endpoints;
    }
}
