using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Ledger;

/// <summary>The <c>kind</c> column's spelling of <see cref="LedgerEntryKind"/>.</summary>
public static class LedgerEntryKinds
{
    static readonly Dictionary<LedgerEntryKind, string> Names = new()
    {
        [LedgerEntryKind.Charge] = "charge",
        [LedgerEntryKind.Payment] = "payment",
        [LedgerEntryKind.LateFee] = "late_fee",
        [LedgerEntryKind.Reversal] = "reversal",
        [LedgerEntryKind.NsfFee] = "nsf_fee",
        [LedgerEntryKind.Refund] = "refund",
        [LedgerEntryKind.Credit] = "credit",
        [LedgerEntryKind.Dispute] = "dispute",
        [LedgerEntryKind.DepositHeld] = "deposit_held",
    };

    static readonly Dictionary<string, LedgerEntryKind> Kinds = Names.ToDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

    public static string Name(this LedgerEntryKind kind) => Names[kind];

    public static bool TryParse(string? name, out LedgerEntryKind kind) => Kinds.TryGetValue(name ?? "", out kind);

    /// <summary>Whether entries of the kind count towards what the tenant owes: all but the deposit held for them.</summary>
    public static bool IsOwed(this LedgerEntryKind kind) => kind != LedgerEntryKind.DepositHeld;

    public static LedgerEntryKind Parse(string name) =>
        TryParse(name, out var kind) ? kind : throw new FormatException($"'{name}' is not a ledger entry kind.");
}

/// <summary>
/// One line of a lease's ledger, never changed once written. <see cref="Amount"/> is positive when it adds to what the
/// tenant owes and negative when it pays or credits. <see cref="ChargeId"/> names the charge the entry belongs to (a
/// late fee's charge, the charge a payment was collected for); <see cref="Reverses"/> names the entry a reversal or a
/// dispute takes back. <see cref="OccurredAt"/> places the entry in the lease's history (a late fee recomputed after a
/// returned payment is dated on the day it was due); <see cref="RecordedAt"/> is when the ledger learned of it.
/// </summary>
public sealed record LedgerEntry(
    Guid EntryId,
    Guid LeaseId,
    LedgerEntryKind Kind,
    Money Amount,
    Guid? ChargeId,
    DateTimeOffset OccurredAt,
    DateTimeOffset RecordedAt,
    Guid? Reverses = null)
{
    /// <summary>The calendar day (UTC) the entry belongs to.</summary>
    public DateOnly Day => DateOnly.FromDateTime(OccurredAt.UtcDateTime);
}
