using System.Text.Json;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// Stripe's events: <c>{"id":"evt_..","type","created","data":{"object":{payment intent}}}</c>. Billing puts the lease
/// id in the intent's <c>metadata[lease_id]</c>.
/// </summary>
public static class PaymentEvents
{
    // Stripe's currencies whose minor unit is not a hundredth.
    static readonly HashSet<string> ZeroDecimal = ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];
    static readonly HashSet<string> ThreeDecimal = ["BHD", "JOD", "KWD", "OMR", "TND"];

    public static WebhookEvent Read(JsonElement root)
    {
        var eventId = root.RequiredString("id", "id");
        var type = root.RequiredString("type", "type");
        if (type is not ("payment_intent.succeeded" or "payment_intent.payment_failed"))
            return new WebhookEvent(eventId, type, null);

        var intent = root.RequiredObject("data", "data").RequiredObject("object", "data.object");
        var paymentId = intent.RequiredString("id", "data.object.id");
        var leaseId = WebhookJson.LeaseId(
            intent.Property("metadata") is { } metadata ? metadata.OptionalString("lease_id") : null, "data.object.metadata.lease_id");
        var occurredAt = root.Property("created") is { ValueKind: JsonValueKind.Number } created && created.TryGetInt64(out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : throw new InvalidWebhookException("'created' is required.");

        if (type == "payment_intent.payment_failed")
        {
            return new WebhookEvent(eventId, type, new MoveInPaymentFailed
            {
                LeaseId = leaseId,
                PaymentId = paymentId,
                Reason = intent.Property("last_payment_error") is { } error
                    ? error.OptionalString("message") ?? error.OptionalString("code") ?? "The payment failed."
                    : "The payment failed.",
                FailedAt = occurredAt,
            });
        }

        return new WebhookEvent(eventId, type, new MoveInFundsReceived
        {
            LeaseId = leaseId,
            PaymentId = paymentId,
            Amount = Amount(intent),
            ReceivedAt = occurredAt,
        });
    }

    static Money Amount(JsonElement intent)
    {
        var currency = intent.RequiredString("currency", "data.object.currency").ToUpperInvariant();
        if (!Money.IsCurrencyCode(currency))
            throw new InvalidWebhookException("'data.object.currency' must be a three-letter ISO 4217 code.");

        var minorUnits = (intent.Property("amount_received") ?? intent.Property("amount")) is { ValueKind: JsonValueKind.Number } amount
            && amount.TryGetInt64(out var value) && value >= 0
                ? value
                : throw new InvalidWebhookException("'data.object.amount_received' must be a whole number of minor units.");
        var divisor = ZeroDecimal.Contains(currency) ? 1m : ThreeDecimal.Contains(currency) ? 1000m : 100m;
        return new Money(minorUnits / divisor, currency);
    }
}
