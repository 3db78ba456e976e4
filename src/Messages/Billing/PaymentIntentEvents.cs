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

    /// <summary><c>metadata[rent_charge]</c>: the rent charge Billing created the intent for; null for any other intent.</summary>
    public Guid? RentCharge { get; init; }

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
    public Guid? RentCharge { get; init; }

    /// <summary>The provider's message or code for the failure, for the tenant to read.</summary>
    public required string Reason { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>
/// A bank debit on an intent is on its way (<c>payment_intent.processing</c>); it succeeds or fails days later. Billing
/// passes it on to the rent charge the intent names.
/// </summary>
public sealed record PaymentIntentProcessing
{
    public required string ProviderEventId { get; init; }
    public required string EventType { get; init; }
    public required string PaymentIntentId { get; init; }

    /// <summary>The amount the intent asks for.</summary>
    public required Money Amount { get; init; }

    public Guid? LeaseId { get; init; }

    /// <summary><c>metadata[rent_charge]</c>: the rent charge Billing created the intent for.</summary>
    public Guid? RentCharge { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>
/// Money of a payment was given back (<c>charge.refunded</c>). <see cref="AmountRefunded"/> is the charge's refunded total
/// so far, as Stripe reports it: each event names a total, so duplicates and reorderings add up to the last one.
/// </summary>
public sealed record PaymentChargeRefunded
{
    public required string ProviderEventId { get; init; }
    public required string EventType { get; init; }
    public required string PaymentIntentId { get; init; }

    /// <summary>The gateway's charge (<c>ch_...</c>).</summary>
    public required string ProviderChargeId { get; init; }

    public required Money AmountRefunded { get; init; }
    public Guid? LeaseId { get; init; }
    public Guid? RentCharge { get; init; }
    public string? MoveInRequest { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>
/// The payer's bank disputes a payment (<c>charge.dispute.created</c>, <see cref="Closed"/> false) or the dispute ended
/// (<c>charge.dispute.closed</c>, with <see cref="Won"/>). A dispute carries no metadata: Billing finds the charge by the
/// intent it paid.
/// </summary>
public sealed record PaymentDisputeReported
{
    public required string ProviderEventId { get; init; }
    public required string EventType { get; init; }

    /// <summary>The gateway's dispute (<c>dp_...</c>).</summary>
    public required string DisputeId { get; init; }

    public required string PaymentIntentId { get; init; }
    public required Money Amount { get; init; }
    public required bool Closed { get; init; }

    /// <summary>For a closed dispute: the funds come back (<c>won</c>, or an inquiry closed with a warning).</summary>
    public required bool Won { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
}
