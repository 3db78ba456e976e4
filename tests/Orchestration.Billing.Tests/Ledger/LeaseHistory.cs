using Orchestration.Endpoints.Billing.Ledger;

namespace Orchestration.Billing.Tests.Ledger;

/// <summary>A lease's ledger written entry by entry, as the tests tell its story.</summary>
public sealed class LeaseHistory(string currency = "USD")
{
    readonly List<LedgerEntry> _entries = [];
    readonly Dictionary<Guid, LateCharge> _charges = [];

    public Guid LeaseId { get; } = Guid.NewGuid();
    public IReadOnlyList<LedgerEntry> Entries => _entries;
    public IReadOnlyDictionary<Guid, LateCharge> Charges => _charges;

    public static DateTimeOffset Noon(DateOnly day) => new(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

    /// <summary>A charge due on <paramref name="dueOn"/>, posted that day or, when given, on <paramref name="postedOn"/>.</summary>
    public Guid Charge(DateOnly dueOn, decimal amount, LateFeePolicy policy, DateOnly? postedOn = null)
    {
        var chargeId = RentIds.Charge(LeaseId, $"{dueOn:yyyy-MM}-{_charges.Count}");
        _charges[chargeId] = new LateCharge(chargeId, dueOn, amount, policy);
        Add(postedOn ?? dueOn, LedgerEntryKind.Charge, amount, chargeId);
        return chargeId;
    }

    public LedgerEntry Add(DateOnly day, LedgerEntryKind kind, decimal amount, Guid? chargeId = null, Guid? reverses = null)
    {
        var entry = new LedgerEntry(Guid.NewGuid(), LeaseId, kind, new Money(amount, currency), chargeId, Noon(day), Noon(day), reverses);
        _entries.Add(entry);
        return entry;
    }

    public LedgerEntry Pay(DateOnly day, decimal amount) => Add(day, LedgerEntryKind.Payment, -amount);

    /// <summary>The bank returns the payment: the reversal and the fee for it.</summary>
    public void Return(DateOnly day, LedgerEntry payment, decimal nsfFee)
    {
        Add(day, LedgerEntryKind.Reversal, -payment.Amount.Amount, payment.ChargeId, payment.EntryId);
        if (nsfFee > 0)
            Add(day, LedgerEntryKind.NsfFee, nsfFee, payment.ChargeId);
    }

    /// <summary>Brings the late fees up to date through <paramref name="day"/>, as Billing does, and returns what it added.</summary>
    public IReadOnlyList<LedgerEntry> RecordLateFees(DateOnly day, AllocationOrder? order = null)
    {
        var added = LateFees.ToRecord(LeaseId, currency, _entries, _charges, order ?? AllocationOrder.Default, day, Noon(day));
        _entries.AddRange(added);
        return added;
    }

    /// <summary>What the tenant owes at the end of the day, as the ledger sums it: every entry but the deposit held.</summary>
    public decimal BalanceOn(DateOnly day) => _entries.Where(e => e.Day <= day && e.Kind != LedgerEntryKind.DepositHeld).Sum(e => e.Amount.Amount);
}
