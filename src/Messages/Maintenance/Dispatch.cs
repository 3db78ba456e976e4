namespace Orchestration.Messages.Maintenance;

/// <summary>
/// Offers the work order to a vendor through its callback URL. <see cref="EventId"/> is the webhook's event id: the
/// same for every delivery of this offer, so the vendor can drop repeats.
/// </summary>
public sealed record DispatchToVendor
{
    public required Guid WorkOrderId { get; init; }
    public required Guid VendorId { get; init; }
    public required Guid EventId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required WorkOrderPriority Priority { get; init; }
    public required string Category { get; init; }
    public required string Description { get; init; }
    public required DateTimeOffset AcceptBy { get; init; }
}

/// <summary>Tells a vendor the work order is no longer theirs (declined, timed out, reassigned, cancelled or a no-show).</summary>
public sealed record WithdrawDispatch
{
    public required Guid WorkOrderId { get; init; }
    public required Guid VendorId { get; init; }
    public required Guid EventId { get; init; }
    public required string Reason { get; init; }
}

/// <summary>The vendor takes the job, optionally naming the visit window at once.</summary>
public sealed record AcceptWorkOrder
{
    public required Guid WorkOrderId { get; init; }
    public required Guid VendorId { get; init; }
    public DateTimeOffset? VisitFrom { get; init; }
    public DateTimeOffset? VisitUntil { get; init; }
}

public sealed record DeclineWorkOrder
{
    public required Guid WorkOrderId { get; init; }
    public required Guid VendorId { get; init; }
    public required string Reason { get; init; }
}

/// <summary>The vendor names (or moves) the visit; the unit's access code is valid for this window only.</summary>
public sealed record ProposeVisitWindow
{
    public required Guid WorkOrderId { get; init; }
    public required Guid VendorId { get; init; }
    public required DateTimeOffset VisitFrom { get; init; }
    public required DateTimeOffset VisitUntil { get; init; }
}

/// <summary>The vendor reports the work done, with its invoice.</summary>
public sealed record CompleteWorkOrder
{
    public required Guid WorkOrderId { get; init; }
    public required Guid VendorId { get; init; }
    public required string InvoiceNumber { get; init; }
    public required Money InvoiceAmount { get; init; }
    public string? Notes { get; init; }
}

/// <summary>
/// Posts one signed webhook to a vendor. Sent by the dispatch consumer once the offer (or its withdrawal) is recorded, so
/// the vendor can act on the webhook the moment it arrives. <see cref="WorkOrderJson"/> is the event's <c>workOrder</c> object.
/// </summary>
public sealed record DeliverVendorWebhook
{
    public required Guid VendorId { get; init; }
    public required Guid EventId { get; init; }
    public required string Type { get; init; }
    public required string WorkOrderJson { get; init; }
}
