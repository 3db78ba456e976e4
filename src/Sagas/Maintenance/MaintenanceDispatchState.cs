using MassTransit;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Sagas.Maintenance;

/// <summary>One work order from request to completion. Kept after it ends as the work order's record.</summary>
public class MaintenanceDispatchState : SagaStateMachineInstance, ISagaVersion
{
    public Guid CorrelationId { get; set; }
    public string CurrentState { get; set; } = string.Empty;
    public int Version { get; set; }

    /// <summary>Steps announced so far; the next <c>WorkOrderProgressed</c> carries this plus one.</summary>
    public int ProgressSequence { get; set; }

    public Guid PropertyId { get; set; }
    public Guid UnitId { get; set; }
    public WorkOrderSource Source { get; set; }
    public string Category { get; set; } = string.Empty;
    public string Description { get; set; } = string.Empty;
    public string ServiceArea { get; set; } = string.Empty;
    public string RequestedBy { get; set; } = string.Empty;
    public string? Alarm { get; set; }
    public string? TenantName { get; set; }
    public string? TenantEmail { get; set; }
    public WorkOrderPriority Priority { get; set; }
    public decimal SpendingLimitAmount { get; set; }
    public string SpendingLimitCurrency { get; set; } = string.Empty;

    /// <summary>Dispatches so far, counting every vendor chosen, reassignments included; a reply names the one it answers.</summary>
    public int Attempt { get; set; }

    /// <summary>Vendors tried since the last reassignment; at the maximum staff are paged instead.</summary>
    public List<Guid> VendorsTried { get; set; } = [];

    public Guid? PreferredVendorId { get; set; }
    public Guid? VendorId { get; set; }
    public string? VendorName { get; set; }
    public Guid? DispatchEventId { get; set; }
    public Guid? AcceptanceDeadlineTokenId { get; set; }
    public Guid? NoShowDeadlineTokenId { get; set; }

    public DateTimeOffset? VisitFrom { get; set; }
    public DateTimeOffset? VisitUntil { get; set; }
    public DateTimeOffset? AccessCodeRequestedAt { get; set; }
    public Guid? AccessCodeId { get; set; }

    /// <summary>Lock commands staff were paged about, so a repeated escalation is noted once.</summary>
    public List<Guid> UnacknowledgedLockCommands { get; set; } = [];

    public string? InvoiceNumber { get; set; }
    public decimal? InvoiceAmount { get; set; }
    public string? InvoiceCurrency { get; set; }
    public string? ApprovedBy { get; set; }

    public DateTimeOffset? RequestedAt { get; set; }
    public DateTimeOffset? AcceptBy { get; set; }
    public DateTimeOffset? AcceptedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset? LastTransitionAt { get; set; }
}
