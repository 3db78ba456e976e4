using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// Verifies a delivery on its raw bytes, then records it and publishes what it causes in one transaction: an event
/// delivered any number of times is published once, and a 200 is never an event lost.
/// </summary>
public sealed class WebhookReceiver(
    IOptions<WebhookOptions> options,
    SqlSession session,
    BusOutbox outbox,
    WebhookReceiptStore receipts,
    WebhookRateLimits rateLimits,
    TimeProvider time,
    ILogger<WebhookReceiver> logger)
{
    // Far above any event the providers send; a larger body is refused before it is buffered whole.
    const int MaxBodyBytes = 1024 * 1024;

    public async Task<IResult> ReceiveAsync(WebhookProvider provider, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
            return Refused(provider, request, "Webhook body too large", $"A webhook body is at most {MaxBodyBytes} bytes.",
                StatusCodes.Status413PayloadTooLarge);

        var settings = options.Value;
        var now = time.GetUtcNow();
        switch (provider.Verify(request.Headers[provider.SignatureHeader].FirstOrDefault(), body, provider.Secret(settings), now, settings.Tolerance))
        {
            case SignatureCheck.Valid:
                break;
            case SignatureCheck.OutsideTolerance:
                return Refused(provider, request, "Webhook timestamp outside tolerance",
                    $"The {provider.SignatureHeader} timestamp is more than {settings.Tolerance.TotalSeconds:0} seconds from now.");
            case SignatureCheck.NotConfigured:
                // Unreachable once the options have been validated at start-up; 503 makes the provider retry rather than give up.
                logger.LogError("Refused a {Provider} webhook: no secret is configured for it", provider.Name);
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Webhook receiver unavailable",
                    detail: "This webhook cannot be received at the moment; retry later.");
            default:
                return Refused(provider, request, "Invalid webhook signature", $"The {provider.SignatureHeader} header is missing or does not match the body.");
        }

        // Only now, with the signature checked, does the delivery count against the provider's own budget.
        using (var permit = rateLimits.AcquireSigned(provider))
        {
            if (!permit.IsAcquired)
                return TooMany(request, permit, $"The {provider.Route} webhook has received more deliveries than the Gateway accepts per window.");
        }

        WebhookEvent webhook;
        try
        {
            using var document = JsonDocument.Parse(body);
            webhook = provider.Read(document.RootElement, body, now);
            WebhookJson.CheckIdentifier(webhook.EventId, "id");
            WebhookJson.CheckIdentifier(webhook.Type, "type");
        }
        catch (InvalidWebhookException invalid)
        {
            return Malformed(provider, "Incomplete webhook event", invalid.Message);
        }
        catch (Exception malformed) when (malformed is JsonException or InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // Signed, but not something a provider sends: invalid JSON, a lone surrogate in a string, a number out of range.
            return Malformed(provider, "Malformed webhook body", "The body is not valid JSON or holds a value out of range.");
        }

        await session.BeginAsync(cancellationToken);
        var first = await receipts.TryRecordAsync(session, provider.Name, webhook.EventId, webhook.Type, now, Encoding.UTF8.GetString(body), cancellationToken);
        if (first && webhook.DomainEvent is { } domainEvent)
            await outbox.PublishEndpoint.Publish(domainEvent, domainEvent.GetType(), cancellationToken);
        await session.CommitAsync(cancellationToken);

        if (first)
            logger.LogInformation("Received {Provider} webhook {EventId} ({Type})", provider.Name, webhook.EventId, webhook.Type);
        else
            logger.LogInformation("Ignored redelivered {Provider} webhook {EventId} ({Type})", provider.Name, webhook.EventId, webhook.Type);
        return Results.Ok(new { received = webhook.EventId, duplicate = !first });
    }

    static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
            return null;

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// A delivery not signed by the provider: counted per address, apart from the providers' budgets; past the
    /// address's limit it gets 429 and is not logged again until the window turns.
    /// </summary>
    IResult Refused(WebhookProvider provider, HttpRequest request, string title, string detail, int status = StatusCodes.Status400BadRequest)
    {
        using var permit = rateLimits.AcquireRefused(request.HttpContext);
        if (!permit.IsAcquired)
            return TooMany(request, permit, "This address has sent more refused webhooks than the Gateway answers per window.");

        logger.LogWarning("Refused a {Provider} webhook: {Reason}", provider.Name, title);
        return Results.Problem(statusCode: status, title: title, detail: detail);
    }

    IResult Malformed(WebhookProvider provider, string title, string detail)
    {
        logger.LogWarning("Refused a signed {Provider} webhook: {Reason}", provider.Name, title);
        return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: title, detail: detail);
    }

    static IResult TooMany(HttpRequest request, RateLimitLease permit, string detail)
    {
        if (permit.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
            request.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many webhook deliveries", detail: detail);
    }
}
