namespace Orchestration.Messages.Maintenance;

/// <summary>Staff take the work order from its current vendor and dispatch it again, to the vendor they name or to the next eligible one.</summary>
public sealed record ReassignWorkOrder
{
    public required Guid WorkOrderId { get; init; }
    public Guid? VendorId { get; init; }
    public required string ReassignedBy { get; init; }
}

/// <summary>Staff withdraw the work order from any stage; an issued access code is revoked and the vendor told.</summary>
public sealed record CancelWorkOrder
{
    public required Guid WorkOrderId { get; init; }
    public required string Reason { get; init; }
    public required string CancelledBy { get; init; }
}

/// <summary>Staff approve an invoice above the property's spending limit.</summary>
public sealed record ApproveWorkOrderInvoice
{
    public required Guid WorkOrderId { get; init; }
    public required string ApprovedBy { get; init; }
}

/// <summary>
/// Emails the maintenance staff on call about a work order that needs a person: no vendor took it, or an invoice waits
/// for approval. <see cref="DeduplicationKey"/> names the occasion, so one occasion pages once.
/// </summary>
public sealed record PageMaintenanceStaff
{
    public required Guid WorkOrderId { get; init; }
    public required Guid PropertyId { get; init; }
    public required WorkOrderPriority Priority { get; init; }
    public required string Reason { get; init; }
    public required string DeduplicationKey { get; init; }
}

/// <summary>Asks the tenant how the visit went, once the work order is done.</summary>
public sealed record RequestWorkOrderFeedback
{
    public required Guid WorkOrderId { get; init; }
    public required string RecipientName { get; init; }
    public required string RecipientEmail { get; init; }
    public required string DeduplicationKey { get; init; }
}
