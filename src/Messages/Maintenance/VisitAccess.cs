namespace Orchestration.Messages.Maintenance;

/// <summary>
/// Asks Devices for a unit lock code valid only during the vendor's visit window. Separate from the lease's
/// <c>IssueAccessCode</c>, which is for a tenant and whole days of a lease.
/// </summary>
public sealed record IssueVisitAccessCode
{
    public required Guid WorkOrderId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required Guid VendorId { get; init; }
    public required DateTimeOffset ValidFrom { get; init; }
    public required DateTimeOffset ValidUntil { get; init; }
}

/// <summary>
/// Revokes the work order's visit code. <see cref="AccessCodeId"/> is null when the issue has not been confirmed;
/// Devices then revokes whatever it issued, or is about to issue, for the work order.
/// </summary>
public sealed record RevokeVisitAccessCode
{
    public required Guid WorkOrderId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public Guid? AccessCodeId { get; init; }
    public required string Reason { get; init; }
}

public sealed record VisitAccessCodeIssued
{
    public required Guid WorkOrderId { get; init; }
    public required Guid AccessCodeId { get; init; }
    public required DateTimeOffset IssuedAt { get; init; }
}
