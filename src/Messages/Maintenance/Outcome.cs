namespace Orchestration.Messages.Maintenance;

/// <summary>Asks Billing to record the vendor's invoice as a bill payable for the property. Keyed by the work order: one bill each.</summary>
public sealed record RecordVendorBill
{
    public required Guid WorkOrderId { get; init; }
    public required Guid VendorId { get; init; }
    public required Guid PropertyId { get; init; }
    public required string InvoiceNumber { get; init; }
    public required Money Amount { get; init; }
    public required string IdempotencyKey { get; init; }
}

public sealed record WorkOrderCompleted
{
    public required Guid WorkOrderId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid VendorId { get; init; }
    public required Money InvoiceAmount { get; init; }
    public required DateTimeOffset CompletedAt { get; init; }
}

public sealed record WorkOrderCancelled
{
    public required Guid WorkOrderId { get; init; }
    public required Guid PropertyId { get; init; }
    public required string Reason { get; init; }
    public required string CancelledBy { get; init; }

    /// <summary>The stage the work order had reached, for example "AwaitingAcceptance".</summary>
    public required string CancelledDuring { get; init; }

    public required DateTimeOffset CancelledAt { get; init; }
}

/// <summary>
/// One step of a work order, published for every step the dispatch saga takes; <see cref="Sequence"/> counts them from 1
/// without gaps, so a timeline built from them can drop repeats and order late arrivals.
/// </summary>
public sealed record WorkOrderProgressed
{
    public required Guid WorkOrderId { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required string State { get; init; }
    public required string Step { get; init; }
    public required int Sequence { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public string? Detail { get; init; }
}

/// <summary>The saga's timeouts; each names what it means when it arrives.</summary>
public sealed record VendorAcceptanceDeadlinePassed
{
    public required Guid WorkOrderId { get; init; }
}

public sealed record VisitNoShowDeadlinePassed
{
    public required Guid WorkOrderId { get; init; }
}
