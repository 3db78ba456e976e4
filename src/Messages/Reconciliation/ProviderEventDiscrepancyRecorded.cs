namespace Orchestration.Messages.Reconciliation;

/// <summary>
/// A correctly signed provider event that moved nothing: it names a payment intent, envelope or screening the
/// platform never asked for, or one we asked for with another amount, currency or reference. The endpoint that made
/// the request decides this and publishes it; the Gateway keeps every one for staff to reconcile. Keyed by
/// <see cref="Provider"/> and <see cref="EventId"/>, so a redelivered event is recorded once.
/// </summary>
public sealed record ProviderEventDiscrepancyRecorded
{
    /// <summary>One of <see cref="DiscrepancyProviders"/>: the webhook the event came in on.</summary>
    public required string Provider { get; init; }

    /// <summary>The provider's own id of the event.</summary>
    public required string EventId { get; init; }

    /// <summary>The provider's event type, such as <c>payment_intent.succeeded</c>.</summary>
    public required string EventType { get; init; }

    /// <summary><see cref="DiscrepancyKinds.Unmatched"/> or <see cref="DiscrepancyKinds.Mismatch"/>.</summary>
    public required string Kind { get; init; }

    /// <summary>What did not match, for a person to read: "amount 0.01 USD, requested 3,700.02 USD".</summary>
    public required string Reason { get; init; }

    /// <summary>The lease the event claims to be about, when it names one we know.</summary>
    public Guid? LeaseId { get; init; }

    /// <summary>The provider's reference the event carries: a payment intent, envelope or screening id.</summary>
    public string? ProviderReference { get; init; }

    /// <summary>The amount the event reports, for payment events.</summary>
    public Money? Amount { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }
}

/// <summary>The providers whose events are checked, named as their webhooks are (<c>/webhooks/{name}</c>).</summary>
public static class DiscrepancyProviders
{
    public const string Payments = "payments";
    public const string ESignature = "esign";
    public const string Screening = "screening";

    public static readonly IReadOnlyList<string> All = [Payments, ESignature, Screening];
}

public static class DiscrepancyKinds
{
    /// <summary>The event names nothing the platform asked for (an unknown intent, envelope or lease, or no metadata).</summary>
    public const string Unmatched = "unmatched";

    /// <summary>The event names a request we made, but its amount, currency or reference differ from what was asked.</summary>
    public const string Mismatch = "mismatch";
}
