namespace Orchestration.Messages.Billing;

/// <summary>
/// The payment gateway reports that a payment intent succeeded (Stripe's <c>payment_intent.succeeded</c>), as the
/// Gateway received it, signed, on its webhook. A fact about the provider, not yet about a lease: Billing holds it
/// against the intents it created, and only a payment of exactly what it asked for becomes
/// <c>MoveInFundsReceived</c>. Keyed by <see cref="ProviderEventId"/>.
/// </summary>
public sealed record PaymentIntentSucceeded
{
    /// <summary>The provider's event id (<c>evt_...</c>).</summary>
    public required string ProviderEventId { get; init; }

    public required string EventType { get; init; }

    /// <summary>The intent the event is about (<c>pi_...</c>).</summary>
    public required string PaymentIntentId { get; init; }

    /// <summary>What the provider received, converted from its minor units by the currency's own exponent.</summary>
    public required Money Amount { get; init; }

    /// <summary><c>metadata[lease_id]</c> when it names a lease; null when the intent carries none.</summary>
    public Guid? LeaseId { get; init; }

    /// <summary><c>metadata[move_in_request]</c>: the idempotency key of the request Billing created the intent for.</summary>
    public string? MoveInRequest { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>
/// The payment gateway reports that an attempt to pay an intent failed (<c>payment_intent.payment_failed</c>); the
/// intent stays open for another attempt. Billing checks it as it checks <see cref="PaymentIntentSucceeded"/>.
/// </summary>
public sealed record PaymentIntentFailed
{
    public required string ProviderEventId { get; init; }
    public required string EventType { get; init; }
    public required string PaymentIntentId { get; init; }

    /// <summary>The amount the intent asks for.</summary>
    public required Money Amount { get; init; }

    public Guid? LeaseId { get; init; }
    public string? MoveInRequest { get; init; }

    /// <summary>The provider's message or code for the failure, for the tenant to read.</summary>
    public required string Reason { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
}
