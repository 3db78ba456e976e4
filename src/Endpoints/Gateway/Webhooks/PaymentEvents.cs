using System.Text.Json;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// Stripe's events: <c>{"id":"evt_..","type","created","data":{"object":{payment intent}}}</c>. A payment intent's
/// outcome becomes a provider fact for Billing (<see cref="PaymentIntentSucceeded"/>, <see cref="PaymentIntentFailed"/>),
/// which alone knows which intents it created, for which lease and for how much. An intent without our metadata is
/// passed on all the same: Billing records it as unmatched, and Stripe gets its 200 rather than retrying for days.
/// </summary>
public static class PaymentEvents
{
    // Stripe's currencies whose minor unit is not a hundredth.
    static readonly HashSet<string> ZeroDecimal = ["BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF"];
    static readonly HashSet<string> ThreeDecimal = ["BHD", "JOD", "KWD", "OMR", "TND"];

    // Stripe caps a metadata value at 500 characters; anything longer did not come from an intent we created.
    const int MaxMetadataValue = 500;

    public static WebhookEvent Read(JsonElement root)
    {
        var eventId = root.RequiredString("id", "id");
        var type = root.RequiredString("type", "type");
        if (type is not ("payment_intent.succeeded" or "payment_intent.payment_failed"))
            return new WebhookEvent(eventId, type, null);

        var intent = root.RequiredObject("data", "data").RequiredObject("object", "data.object");
        var paymentId = WebhookJson.CheckIdentifier(intent.RequiredString("id", "data.object.id"), "data.object.id");
        var metadata = intent.Property("metadata");
        var leaseId = Guid.TryParse(metadata?.OptionalString("lease_id"), out var lease) && lease != Guid.Empty ? lease : (Guid?)null;
        var moveInRequest = metadata?.OptionalString("move_in_request") is { Length: > 0 and <= MaxMetadataValue } request
            && Api.FieldRules.Unprintable(request) is null ? request : null;
        var occurredAt = Created(root);

        if (type == "payment_intent.payment_failed")
        {
            return new WebhookEvent(eventId, type, new PaymentIntentFailed
            {
                ProviderEventId = eventId,
                EventType = type,
                PaymentIntentId = paymentId,
                Amount = Amount(intent, "amount"),
                LeaseId = leaseId,
                MoveInRequest = moveInRequest,
                Reason = intent.Property("last_payment_error") is { } error
                    ? Readable(error.OptionalString("message")) ?? Readable(error.OptionalString("code")) ?? "The payment failed."
                    : "The payment failed.",
                OccurredAt = occurredAt,
            });
        }

        return new WebhookEvent(eventId, type, new PaymentIntentSucceeded
        {
            ProviderEventId = eventId,
            EventType = type,
            PaymentIntentId = paymentId,
            Amount = Amount(intent, intent.Property("amount_received") is null ? "amount" : "amount_received"),
            LeaseId = leaseId,
            MoveInRequest = moveInRequest,
            OccurredAt = occurredAt,
        });
    }

    // The reason reaches the tenant's email and the logs: only a short, printable one is passed on.
    static string? Readable(string? text) =>
        text is { Length: > 0 and <= MaxMetadataValue } && Api.FieldRules.Unprintable(text) is null ? text : null;

    static DateTimeOffset Created(JsonElement root) =>
        root.Property("created") is { ValueKind: JsonValueKind.Number } created && created.TryGetInt64(out var seconds)
            && seconds >= DateTimeOffset.MinValue.ToUnixTimeSeconds() && seconds <= DateTimeOffset.MaxValue.ToUnixTimeSeconds()
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : throw new InvalidWebhookException("'created' must be a time in Unix seconds.");

    static Money Amount(JsonElement intent, string field)
    {
        var currency = intent.RequiredString("currency", "data.object.currency").ToUpperInvariant();
        if (!Money.IsCurrencyCode(currency))
            throw new InvalidWebhookException("'data.object.currency' must be a three-letter ISO 4217 code.");

        var minorUnits = intent.Property(field) is { ValueKind: JsonValueKind.Number } amount && amount.TryGetInt64(out var value) && value >= 0
            ? value
            : throw new InvalidWebhookException($"'data.object.{field}' must be a whole number of minor units.");
        var divisor = ZeroDecimal.Contains(currency) ? 1m : ThreeDecimal.Contains(currency) ? 1000m : 100m;
        return new Money(minorUnits / divisor, currency);
    }
}
