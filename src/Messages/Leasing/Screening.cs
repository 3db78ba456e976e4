namespace Orchestration.Messages.Leasing;

public sealed record RequestScreening
{
    public required Guid LeaseId { get; init; }
    public required Guid ApplicantId { get; init; }
    public required string ApplicantName { get; init; }
    public required string ApplicantEmail { get; init; }
}

public sealed record ScreeningCompleted
{
    public required Guid LeaseId { get; init; }
    public required bool Approved { get; init; }
    public string? Reason { get; init; }

    /// <summary>The screening provider's reference for this check.</summary>
    public required string ScreeningId { get; init; }
}

/// <summary>
/// The screening provider's signed <c>screening.completed</c> event, as the Gateway received it. Leasing passes the
/// decision to the lease (<see cref="ScreeningCompleted"/>) only when <see cref="ScreeningId"/> is the screening it
/// requested for the lease.
/// </summary>
public sealed record ScreeningResultReported
{
    /// <summary>The provider's id of the event: what a discrepancy is recorded under.</summary>
    public required string EventId { get; init; }

    public required Guid LeaseId { get; init; }
    public required string ScreeningId { get; init; }
    public required bool Approved { get; init; }
    public string? Reason { get; init; }

    /// <summary>When the provider says it decided, or when the Gateway received it if the event does not say.</summary>
    public required DateTimeOffset OccurredAt { get; init; }

    /// <summary>When the Gateway accepted the delivery.</summary>
    public required DateTimeOffset ReceivedAt { get; init; }
}
