namespace Orchestration.Messages.Maintenance;

/// <summary>
/// Asks the vendor registry for the vendor to dispatch to: the first, in order of preference, that has the trade,
/// covers the area, has insurance that has not expired and is not in <see cref="Excluding"/>.
/// </summary>
public sealed record ChooseVendor
{
    public required Guid WorkOrderId { get; init; }

    /// <summary>Which dispatch of the work order this choice is for; the reply carries it back so a late reply is recognised.</summary>
    public required int Attempt { get; init; }

    public required string Trade { get; init; }
    public required string ServiceArea { get; init; }

    /// <summary>Vendors already tried for this work order.</summary>
    public required IReadOnlyList<Guid> Excluding { get; init; }

    /// <summary>The vendor staff asked for when reassigning; chosen if it is still eligible.</summary>
    public Guid? PreferredVendorId { get; init; }
}

public sealed record VendorChosen
{
    public required Guid WorkOrderId { get; init; }
    public required int Attempt { get; init; }
    public required Guid VendorId { get; init; }
    public required string VendorName { get; init; }
}

public sealed record NoVendorAvailable
{
    public required Guid WorkOrderId { get; init; }
    public required int Attempt { get; init; }
    public required string Reason { get; init; }
}
