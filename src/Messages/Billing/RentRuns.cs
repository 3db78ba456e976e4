namespace Orchestration.Messages.Billing;

/// <summary>
/// Asks Billing to post one rent charge per active lease for <see cref="Period"/> ("YYYY-MM"). A lease already charged
/// for the period is skipped, so a run repeated, retried or redelivered adds nothing.
/// </summary>
public sealed record StartRentRun
{
    public required Guid RentRunId { get; init; }
    public required string Period { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}

/// <summary>
/// The rent schedule's occurrence for <see cref="Period"/> is due (a message of the durable scheduler): Billing starts
/// that period's run, whose id derives from the period, and schedules the next occurrence.
/// </summary>
public sealed record RentScheduleDue
{
    public required string Period { get; init; }
    public required DateTimeOffset DueAt { get; init; }
}
