namespace Orchestration.Messages.Leasing;

/// <summary>Staff withdraw a lease that is not active yet; everything done for it so far is undone.</summary>
public sealed record CancelLease
{
    public required Guid LeaseId { get; init; }
    public required string Reason { get; init; }

    /// <summary>The staff user who cancelled, as the Gateway identifies them.</summary>
    public required string CancelledBy { get; init; }
}

public sealed record LeaseCancelled
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required Guid ApplicantId { get; init; }
    public required string Reason { get; init; }
    public required string CancelledBy { get; init; }

    /// <summary>The stage the lease had reached, for example "AwaitingTenantSignature".</summary>
    public required string CancelledDuring { get; init; }

    public required DateTimeOffset CancelledAt { get; init; }
}
