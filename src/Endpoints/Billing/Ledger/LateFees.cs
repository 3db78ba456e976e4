using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Ledger;

/// <summary>A charge that can become late: its due date, its amount as posted, and the policy in force when it was posted.</summary>
public sealed record LateCharge(Guid ChargeId, DateOnly DueOn, decimal Amount, LateFeePolicy Policy);

/// <summary>A late fee owed on a charge for one day.</summary>
public sealed record AssessedLateFee(Guid ChargeId, DateOnly Day, decimal Amount);

/// <summary>
/// The late-fee engine: a pure function of the ledger, the charges' policies and a day. It replays the lease's history
/// day by day: at the start of each day every late charge still unpaid is assessed its fee (if that day is one of its
/// policy's assessment days), then the day's entries are applied, payments spread in the <see cref="AllocationOrder"/>
/// and what is left over kept as a prepayment credit for the next charge. A returned payment (or a disputed one) counts
/// as never made: the fees it would have prevented are owed from the day they fell due, so recomputing after a return
/// adds exactly the fees the return made due. A deposit held for the tenant is not theirs to spend: it pays nothing.
/// </summary>
public static class LateFees
{
    /// <summary>The first day a charge can be assessed a fee: the day after its grace period; the due day does not count.</summary>
    public static DateOnly FirstLateDay(DateOnly dueOn, LateFeePolicy policy) => dueOn.AddDays(policy.GraceDays + 1);

    public static bool IsAssessmentDay(LateFeePolicy policy, DateOnly dueOn, DateOnly day)
    {
        var daysLate = day.DayNumber - FirstLateDay(dueOn, policy).DayNumber;
        return daysLate >= 0 && policy.Accrual switch
        {
            LateFeeAccrual.OneTime => daysLate == 0,
            LateFeeAccrual.Daily => true,
            LateFeeAccrual.Weekly => daysLate % 7 == 0,
            _ => false,
        };
    }

    /// <summary>
    /// One fee: the policy's amount for the charge, rounded to cents, cut to what the per-charge cap and the monthly
    /// maximum still allow given the fees already assessed on the charge and in the month.
    /// </summary>
    public static decimal FeeFor(LateFeePolicy policy, decimal chargeAmount, decimal outstanding, decimal assessedOnCharge, decimal assessedInMonth)
    {
        var fee = LedgerAmounts.Cents(policy.Basis switch
        {
            LateFeeBasis.Fixed => policy.Rate,
            LateFeeBasis.PercentOfRent => chargeAmount * policy.Rate / 100m,
            LateFeeBasis.PercentOfOutstanding => outstanding * policy.Rate / 100m,
            _ => 0m,
        });
        if (policy.CapPerCharge is { } cap)
            fee = Math.Min(fee, cap - assessedOnCharge);
        if (policy.MonthlyMaximum is { } maximum)
            fee = Math.Min(fee, maximum - assessedInMonth);
        return Math.Max(fee, 0m);
    }

    /// <summary>Every late fee owed through <paramref name="through"/>, by charge and day, whatever late fees the ledger already holds.</summary>
    public static IReadOnlyList<AssessedLateFee> Due(
        IReadOnlyList<LedgerEntry> entries, IReadOnlyDictionary<Guid, LateCharge> charges, AllocationOrder order, DateOnly through)
    {
        var takenBack = entries.Where(e => e.Reverses is not null && e.Amount.Amount > 0).Select(e => e.Reverses!.Value).ToHashSet();
        var history = entries
            .Where(e => e.Kind != LedgerEntryKind.LateFee && e.Kind.IsOwed() && !(e.Reverses is not null && e.Amount.Amount > 0) && !takenBack.Contains(e.EntryId))
            .OrderBy(e => e.OccurredAt)
            .ToList();
        var fees = new List<AssessedLateFee>();
        if (history.Count == 0)
            return fees;

        var account = new Replay(order);
        var next = 0;
        var lateCharges = charges.Values.OrderBy(c => c.DueOn).ThenBy(c => c.ChargeId).ToList();
        for (var day = history.Min(e => e.Day); day <= through; day = day.AddDays(1))
        {
            foreach (var charge in lateCharges)
            {
                if (!IsAssessmentDay(charge.Policy, charge.DueOn, day) || account.OutstandingOf(charge.ChargeId) is not { } outstanding || outstanding <= 0)
                    continue;

                var fee = FeeFor(charge.Policy, charge.Amount, outstanding,
                    fees.Where(f => f.ChargeId == charge.ChargeId).Sum(f => f.Amount),
                    fees.Where(f => f.Day.Year == day.Year && f.Day.Month == day.Month).Sum(f => f.Amount));
                if (fee <= 0)
                    continue;

                fees.Add(new AssessedLateFee(charge.ChargeId, day, fee));
                account.Owe(RentIds.LateFee(charge.ChargeId, day, 0), LedgerEntryKind.LateFee, day, fee);
            }

            for (; next < history.Count && history[next].Day <= day; next++)
            {
                var entry = history[next];
                if (entry.Amount.Amount > 0)
                {
                    var id = entry.Kind == LedgerEntryKind.Charge ? entry.ChargeId ?? entry.EntryId : entry.EntryId;
                    account.Owe(id, entry.Kind, charges.TryGetValue(id, out var charge) ? charge.DueOn : entry.Day, entry.Amount.Amount);
                }
                else if (entry.Amount.Amount < 0)
                {
                    account.Pay(-entry.Amount.Amount);
                }
            }
        }

        return fees;
    }

    /// <summary>
    /// The late-fee entries that bring the ledger to what <see cref="Due"/> says is owed through <paramref name="through"/>:
    /// for each charge and day, the difference between the fee owed and the fees recorded, dated at the start of that day.
    /// Their ids derive from charge, day and how many entries that fee already has, so recording the same result twice
    /// (a redelivered message) writes it once. Empty when the ledger is up to date.
    /// </summary>
    public static IReadOnlyList<LedgerEntry> ToRecord(Guid leaseId, string currency, IReadOnlyList<LedgerEntry> entries,
        IReadOnlyDictionary<Guid, LateCharge> charges, AllocationOrder order, DateOnly through, DateTimeOffset recordedAt)
    {
        var recorded = entries.Where(e => e.Kind == LedgerEntryKind.LateFee && e.ChargeId is not null)
            .GroupBy(e => (Charge: e.ChargeId!.Value, e.Day))
            .ToDictionary(g => g.Key, g => (Total: g.Sum(e => e.Amount.Amount), Count: g.Count()));
        var owed = Due(entries, charges, order, through).ToDictionary(f => (Charge: f.ChargeId, f.Day), f => f.Amount);

        var missing = new List<LedgerEntry>();
        foreach (var key in owed.Keys.Union(recorded.Keys).OrderBy(k => k.Day).ThenBy(k => k.Charge))
        {
            var (total, count) = recorded.GetValueOrDefault(key);
            var difference = owed.GetValueOrDefault(key) - total;
            if (difference == 0)
                continue;

            missing.Add(new LedgerEntry(RentIds.LateFee(key.Charge, key.Day, count), leaseId, LedgerEntryKind.LateFee, new Money(difference, currency),
                key.Charge, new DateTimeOffset(key.Day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), recordedAt));
        }

        return missing;
    }

    /// <summary>What is owed item by item as the history is replayed, and the prepayment credit.</summary>
    sealed class Replay(AllocationOrder order)
    {
        readonly Dictionary<Guid, OpenItem> _items = [];
        decimal _credit;

        public decimal? OutstandingOf(Guid itemId) => _items.TryGetValue(itemId, out var item) ? item.Outstanding : null;

        /// <summary>A new debit; the prepayment credit pays as much of it as it can at once.</summary>
        public void Owe(Guid itemId, LedgerEntryKind kind, DateOnly dueOn, decimal amount)
        {
            var fromCredit = Math.Min(_credit, amount);
            _credit -= fromCredit;
            _items[itemId] = _items.TryGetValue(itemId, out var existing)
                ? existing with { Outstanding = existing.Outstanding + amount - fromCredit }
                : new OpenItem(itemId, kind, dueOn, _items.Count, amount - fromCredit);
        }

        public void Pay(decimal amount)
        {
            var allocation = PaymentAllocation.Allocate(_items.Values, amount, order);
            foreach (var applied in allocation.Applied)
                _items[applied.ItemId] = _items[applied.ItemId] with { Outstanding = _items[applied.ItemId].Outstanding - applied.Amount };
            _credit += allocation.Unapplied;
        }
    }
}
