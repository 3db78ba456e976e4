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
