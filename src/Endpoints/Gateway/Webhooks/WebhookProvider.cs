using System.Text.Json;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// What differs between the providers: the route, the name their receipts are kept under, the signature header, the
/// secret, how a signature is checked, and how a body becomes an event. A body is read from signed content only; no
/// header decides anything. Stripe's deliveries are checked and read by Stripe.net; the others by our own code.
/// </summary>
public sealed record WebhookProvider(
    string Route,
    string Name,
    string SignatureHeader,
    Func<WebhookOptions, string> Secret,
    WebhookProvider.Verifier Verify,
    WebhookProvider.Reader Read)
{
    public delegate SignatureCheck Verifier(string? header, ReadOnlySpan<byte> body, string secret, DateTimeOffset now, TimeSpan tolerance);

    public delegate WebhookEvent Reader(JsonElement root, ReadOnlySpan<byte> body, DateTimeOffset now);

    public static readonly WebhookProvider Payments = new("payments", "payments", "Stripe-Signature", o => o.Payments.Secret,
        PaymentEvents.Verify, (_, body, now) => PaymentEvents.Read(body, now));

    public static readonly WebhookProvider ESignature = new(ESignatureEvents.Route, "esignature", "X-Signature", o => o.ESignature.Secret,
        WebhookSignature.Verify, ESignatureEvents.Read);

    public static readonly WebhookProvider Screening = new(ScreeningEvents.Route, "screening", "X-Signature", o => o.Screening.Secret,
        WebhookSignature.Verify, ScreeningEvents.Read);

    public static readonly IReadOnlyList<WebhookProvider> All = [Payments, ESignature, Screening];
}
