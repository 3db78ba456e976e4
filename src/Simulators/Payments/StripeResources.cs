using System.Text.Json.Serialization;

namespace Orchestration.Simulators.Payments;

// Stripe's object shapes, trimmed to what a payment-intent integration reads. Serialized in snake_case with nulls
// kept and id and object first, as Stripe sends them.

internal sealed record PaymentIntentResource(
    [property: JsonPropertyOrder(-2)] string Id,
    long Amount,
    long AmountCapturable,
    long AmountReceived,
    long? CanceledAt,
    string? CancellationReason,
    string CaptureMethod,
    string ClientSecret,
    string ConfirmationMethod,
    long Created,
    string Currency,
    string? Customer,
    string? Description,
    PaymentErrorResource? LastPaymentError,
    string? LatestCharge,
    bool Livemode,
    IReadOnlyDictionary<string, string> Metadata,
    string? PaymentMethod,
    IReadOnlyList<string> PaymentMethodTypes,
    string Status)
{
    [JsonPropertyOrder(-1)]
    public string Object => "payment_intent";
}

internal sealed record PaymentErrorResource(
    string Type,
    string Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DeclineCode,
    string Message,
    string? Charge,
    string DocUrl);

internal sealed record ChargeResource(
    [property: JsonPropertyOrder(-2)] string Id,
    long Amount,
    long AmountCaptured,
    long AmountRefunded,
    bool Captured,
    long Created,
    string Currency,
    string? FailureCode,
    string? FailureMessage,
    bool Livemode,
    IReadOnlyDictionary<string, string> Metadata,
    bool Paid,
    string PaymentIntent,
    string? PaymentMethod,
    bool Refunded,
    string Status)
{
    [JsonPropertyOrder(-1)]
    public string Object => "charge";
}

internal sealed record RefundResource(
    [property: JsonPropertyOrder(-2)] string Id,
    long Amount,
    string Charge,
    long Created,
    string Currency,
    IReadOnlyDictionary<string, string> Metadata,
    string PaymentIntent,
    string? Reason,
    string Status)
{
    [JsonPropertyOrder(-1)]
    public string Object => "refund";
}

internal sealed record DisputeResource(
    [property: JsonPropertyOrder(-2)] string Id,
    long Amount,
    string Charge,
    long Created,
    string Currency,
    bool IsChargeRefundable,
    bool Livemode,
    IReadOnlyDictionary<string, string> Metadata,
    string PaymentIntent,
    string Reason,
    string Status)
{
    [JsonPropertyOrder(-1)]
    public string Object => "dispute";
}

internal sealed record StripeEventResource(
    [property: JsonPropertyOrder(-2)] string Id,
    string ApiVersion,
    long Created,
    StripeEventData Data,
    bool Livemode,
    int PendingWebhooks,
    StripeEventRequest Request,
    string Type)
{
    [JsonPropertyOrder(-1)]
    public string Object => "event";
}

internal sealed record StripeEventData(object Object);

/// <summary>The API request that caused an event; its idempotency key lets a receiver tie the two together.</summary>
internal sealed record StripeEventRequest(string? Id, string? IdempotencyKey);

/// <summary>A page of a list API: <c>has_more</c> tells whether a next page exists after the last item (<c>starting_after</c>).</summary>
internal sealed record StripeList<T>(IReadOnlyList<T> Data, bool HasMore, string Url)
{
    [JsonPropertyOrder(-1)]
    public string Object => "list";
}
