namespace Orchestration.Messages.Maintenance;

/// <summary>How urgent a work order is; it sets how long a vendor has to accept.</summary>
public enum WorkOrderPriority
{
    Routine,
    Urgent,
    Emergency,
}

/// <summary>Who or what asked for the work.</summary>
public enum WorkOrderSource
{
    Staff,
    Tenant,
    DeviceAlarm,
}

/// <summary>
/// Opens a work order. The id is chosen by the sender, so a repeated request (a retried API call, the same device
/// alarm twice) reaches the same work order instead of opening a second one.
/// </summary>
public sealed record RequestWorkOrder
{
    public required Guid WorkOrderId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required WorkOrderSource Source { get; init; }

    /// <summary>The trade the work needs, for example "plumbing", "electrical", "hvac", "locksmith" or "general".</summary>
    public required string Category { get; init; }

    public required string Description { get; init; }

    /// <summary>The service area vendors must cover, as the property's postal code.</summary>
    public required string ServiceArea { get; init; }

    /// <summary>The staff user, tenant or device that asked.</summary>
    public required string RequestedBy { get; init; }

    /// <summary>The kind of device alarm ("leak", "smoke", "low-battery") when a device asked.</summary>
    public string? Alarm { get; init; }

    /// <summary>Who is asked for feedback once the work is done; none when no tenant is involved.</summary>
    public string? TenantName { get; init; }

    public string? TenantEmail { get; init; }

    /// <summary>The property's spending limit; an invoice above it needs staff approval. None means the endpoint's default.</summary>
    public Money? SpendingLimit { get; init; }
}

/// <summary>A work order was opened and triaged.</summary>
public sealed record WorkOrderOpened
{
    public required Guid WorkOrderId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required WorkOrderSource Source { get; init; }
    public required string Category { get; init; }
    public required WorkOrderPriority Priority { get; init; }
    public required DateTimeOffset OpenedAt { get; init; }
}
