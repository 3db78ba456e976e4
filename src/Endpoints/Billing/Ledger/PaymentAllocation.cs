using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Ledger;

/// <summary>Something the tenant still owes: a charge, a fee, or a reversal not yet covered.</summary>
/// <param name="ItemId">The charge's id, or the fee's entry id.</param>
/// <param name="Sequence">The order in which the ledger recorded the items; breaks ties between items due the same day.</param>
public sealed record OpenItem(Guid ItemId, LedgerEntryKind Kind, DateOnly DueOn, long Sequence, decimal Outstanding);

/// <summary>Part of a payment applied to one open item.</summary>
public sealed record AppliedAmount(Guid ItemId, decimal Amount);

/// <summary>How a payment was spread: what each item received, and what was left over as a prepayment credit.</summary>
public sealed record Allocation(IReadOnlyList<AppliedAmount> Applied, decimal Unapplied);

/// <summary>
/// The order in which a payment pays what is owed: first by the kind of item, in the configured priority (kinds not
/// listed come after the listed ones, in the order of <see cref="LedgerEntryKind"/>), then the oldest first (earliest due
/// date, then the one recorded first). The default pays rent and other charges before fees, so a partial payment never
/// leaves rent unpaid to settle a fee, and a late fee can never arise from a payment spent on an earlier fee.
/// </summary>
public sealed record AllocationOrder(IReadOnlyList<LedgerEntryKind> Priority)
{
    public static readonly AllocationOrder Default = new([LedgerEntryKind.Charge, LedgerEntryKind.Reversal, LedgerEntryKind.LateFee, LedgerEntryKind.NsfFee]);

    public int RankOf(LedgerEntryKind kind)
    {
        for (var i = 0; i < Priority.Count; i++)
        {
            if (Priority[i] == kind)
                return i;
        }

        return Priority.Count + (int)kind;
    }
}

/// <summary>Spreads a payment over what is owed, in an <see cref="AllocationOrder"/>. A pure function.</summary>
public static class PaymentAllocation
{
    /// <summary>
    /// Applies <paramref name="amount"/> (positive) to the open items in <paramref name="order"/>, each up to what it still
    /// owes; items that owe nothing are skipped. What no item takes is <see cref="Allocation.Unapplied"/>: a prepayment
    /// credit, applied to the next charge when it is posted.
    /// </summary>
    public static Allocation Allocate(IEnumerable<OpenItem> open, decimal amount, AllocationOrder order)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(amount);

        var applied = new List<AppliedAmount>();
        var left = amount;
        foreach (var item in open.Where(i => i.Outstanding > 0).OrderBy(i => order.RankOf(i.Kind)).ThenBy(i => i.DueOn).ThenBy(i => i.Sequence))
        {
            if (left == 0)
                break;

            var share = Math.Min(left, item.Outstanding);
            applied.Add(new AppliedAmount(item.ItemId, share));
            left -= share;
        }

        return new Allocation(applied, left);
    }
}
