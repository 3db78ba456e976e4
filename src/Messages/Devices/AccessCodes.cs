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

/// <summary>
/// The lock confirmed that a code no longer opens it: the lease's code (<see cref="LeaseId"/>) or a vendor's visit code
/// (<see cref="WorkOrderId"/>).
/// </summary>
public sealed record AccessCodeRevoked
{
    public Guid? LeaseId { get; init; }
    public Guid? WorkOrderId { get; init; }
    public required Guid AccessCodeId { get; init; }
    public required DateTimeOffset RevokedAt { get; init; }
}

/// <summary>
/// A lock did not acknowledge an access-code command after every attempt: staff must check the lock. The code of a lease
/// (<see cref="LeaseId"/>) or of a work order's visit (<see cref="WorkOrderId"/>).
/// </summary>
public sealed record LockCommandUnacknowledged
{
    public required Guid CommandId { get; init; }
    public required Guid DeviceId { get; init; }
    public Guid? LeaseId { get; init; }
    public Guid? WorkOrderId { get; init; }

    /// <summary><c>issue-code</c> or <c>revoke-code</c>.</summary>
    public required string Command { get; init; }

    public required int Attempts { get; init; }
    public required DateTimeOffset EscalatedAt { get; init; }
}
