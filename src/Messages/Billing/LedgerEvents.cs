namespace Orchestration.Messages.Billing;

/// <summary>
/// An entry was written to a lease's ledger (once per entry id), for the read models that show ledgers. The amount is
/// positive when the tenant owes more, negative when paid or credited.
/// </summary>
public sealed record LedgerEntryRecorded
{
    public required Guid EntryId { get; init; }
    public required Guid LeaseId { get; init; }
    public required LedgerEntryKind Kind { get; init; }
    public required Money Amount { get; init; }
    public Guid? ChargeId { get; init; }
    public Guid? Reverses { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }
}

/// <summary>A rent run has posted its charges: <see cref="Posted"/> of the <see cref="Leases"/> in force (the others were charged before).</summary>
public sealed record RentRunFinished
{
    public required Guid RentRunId { get; init; }
    public required string Period { get; init; }
    public required int Leases { get; init; }
    public required int Posted { get; init; }
    public required DateTimeOffset FinishedAt { get; init; }
}
