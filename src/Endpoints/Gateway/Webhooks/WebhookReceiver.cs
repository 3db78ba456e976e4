using System.Text;
using System.Text.Json;
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
    TimeProvider time,
    ILogger<WebhookReceiver> logger)
{
    // Far above any event the providers send; a larger body is refused before it is buffered whole.
    const int MaxBodyBytes = 1024 * 1024;

    public async Task<IResult> ReceiveAsync(WebhookProvider provider, HttpRequest request, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(request, cancellationToken);
        if (body is null)
            return Refused("Webhook body too large", $"A webhook body is at most {MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);

        var settings = options.Value;
        var now = time.GetUtcNow();
        switch (WebhookSignature.Verify(request.Headers[provider.SignatureHeader].FirstOrDefault(), body, provider.Secret(settings), now, settings.Tolerance))
        {
            case SignatureCheck.Valid:
                break;
            case SignatureCheck.OutsideTolerance:
                logger.LogWarning("Refused a {Provider} webhook signed outside the tolerance", provider.Name);
                return Refused("Webhook timestamp outside tolerance",
                    $"The {provider.SignatureHeader} timestamp is more than {settings.Tolerance.TotalSeconds:0} seconds from now.");
            case SignatureCheck.NotConfigured:
                logger.LogError("Refused a {Provider} webhook: no secret is configured for it", provider.Name);
                return Refused("Webhook signature not verifiable", $"The {provider.Name} webhook secret is not configured.");
            default:
                logger.LogWarning("Refused a {Provider} webhook with a missing or wrong signature", provider.Name);
                return Refused("Invalid webhook signature", $"The {provider.SignatureHeader} header is missing or does not match the body.");
        }

        WebhookEvent webhook;
        try
        {
            using var document = JsonDocument.Parse(body);
            webhook = provider.Read(document.RootElement, request, now);
        }
        catch (JsonException)
        {
            return Refused("Malformed webhook body", "The body is not valid JSON.");
        }
        catch (InvalidWebhookException invalid)
        {
            return Refused("Incomplete webhook event", invalid.Message);
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

    static IResult Refused(string title, string detail, int status = StatusCodes.Status400BadRequest) =>
        Results.Problem(statusCode: status, title: title, detail: detail);
}
