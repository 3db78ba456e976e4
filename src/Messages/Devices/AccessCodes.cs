namespace Orchestration.Messages.Devices;

/// <summary>
/// Asks Devices for the tenant's smart-lock code, working from move-in day through the last day of the lease.
/// The dates are in the property's local time zone, which Devices knows.
/// </summary>
public sealed record IssueAccessCode
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required Guid TenantId { get; init; }
    public required DateOnly ValidFrom { get; init; }
    public required DateOnly ValidThrough { get; init; }
}

/// <summary>
/// Revokes the lease's access code. <see cref="AccessCodeId"/> is null when the code was requested but its
/// issue has not been confirmed; Devices then revokes whatever it issued, or is about to issue, for the lease.
/// </summary>
public sealed record RevokeAccessCode
{
    public required Guid LeaseId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public Guid? AccessCodeId { get; init; }
    public required string Reason { get; init; }
}
