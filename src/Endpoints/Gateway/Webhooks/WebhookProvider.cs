using System.Text.Json;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>What differs between the providers: the signature header, the secret, and how a body becomes an event.</summary>
public sealed record WebhookProvider(
    string Name,
    string SignatureHeader,
    Func<WebhookOptions, string> Secret,
    Func<JsonElement, HttpRequest, DateTimeOffset, WebhookEvent> Read)
{
    public static readonly WebhookProvider Payments = new("payments", "Stripe-Signature", o => o.Payments.Secret,
        (root, _, _) => PaymentEvents.Read(root));

    public static readonly WebhookProvider ESignature = new("esignature", "X-Signature", o => o.ESignature.Secret,
        (root, request, now) => ESignatureEvents.Read(root, EventIdHeader(request), now));

    public static readonly WebhookProvider Screening = new("screening", "X-Signature", o => o.Screening.Secret,
        (root, request, _) => ScreeningEvents.Read(root, EventIdHeader(request)));

    static string? EventIdHeader(HttpRequest request) => request.Headers["X-Event-Id"].FirstOrDefault() is { Length: > 0 } id ? id : null;
}
