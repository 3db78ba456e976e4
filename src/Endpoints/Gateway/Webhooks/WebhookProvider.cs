using System.Text.Json;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// What differs between the providers: the route, the name their receipts are kept under, the signature header, the
/// secret, and how a body becomes an event. A body is read from signed content only; no header decides anything.
/// </summary>
public sealed record WebhookProvider(
    string Route,
    string Name,
    string SignatureHeader,
    Func<WebhookOptions, string> Secret,
    WebhookProvider.Reader Read)
{
    public delegate WebhookEvent Reader(JsonElement root, ReadOnlySpan<byte> body, DateTimeOffset now);

    public static readonly WebhookProvider Payments = new("payments", "payments", "Stripe-Signature", o => o.Payments.Secret,
        (root, _, _) => PaymentEvents.Read(root));

    public static readonly WebhookProvider ESignature = new(ESignatureEvents.Route, "esignature", "X-Signature", o => o.ESignature.Secret,
        ESignatureEvents.Read);

    public static readonly WebhookProvider Screening = new(ScreeningEvents.Route, "screening", "X-Signature", o => o.Screening.Secret,
        ScreeningEvents.Read);

    public static readonly IReadOnlyList<WebhookProvider> All = [Payments, ESignature, Screening];
}
