using Orchestration.Endpoints.Billing.Ledger;

namespace Orchestration.Billing.Tests.Ledger;

/// <summary>
/// A lease's account computed on its own, in whole cents and day numbers, from the rules as the README states them:
/// a taken-back payment counts as never made for late fees; each day, fees first (charges by due day, then id), then
/// the day's movements; a payment pays the kinds in the given order, oldest due first, and its remainder is a credit
/// that pays the next debit; fees are rounded half away from zero and cut to the cap and the monthly maximum; a deposit
/// held is the tenant's money kept aside: it is in no balance and pays nothing.
/// </summary>
public sealed class ReferenceAccount(LedgerEntryKind[] order)
{
    public enum Kind { Charge, Payment, NsfFee, Refund, TakeBack, DepositHeld }

    sealed record Movement(int Day, Kind Kind, long Cents, Guid? Charge = null, Guid? Payment = null);
    sealed record ChargeTerms(Guid Id, int DueDay, long Cents, LateFeePolicy Policy);

    sealed class Owed(int rank, int dueDay, int sequence, long cents)
    {
        public int Rank { get; } = rank;
        public int DueDay { get; } = dueDay;
        public int Sequence { get; } = sequence;
        public long Cents { get; set; } = cents;
    }

    readonly List<Movement> _movements = [];
    readonly List<ChargeTerms> _charges = [];
    readonly List<(int Day, long Cents)> _fees = [];

    static long ToCents(decimal amount) => (long)(amount * 100m);

    public void Charge(Guid chargeId, int postedDay, int dueDay, decimal amount, LateFeePolicy policy)
    {
        _charges.Add(new ChargeTerms(chargeId, dueDay, ToCents(amount), policy));
        _movements.Add(new Movement(postedDay, Kind.Charge, ToCents(amount), chargeId));
    }

    public void Move(int day, Kind kind, decimal amount, Guid? payment = null) => _movements.Add(new Movement(day, kind, ToCents(amount), Payment: payment));

    /// <summary>A returned or disputed payment: its money back on the account, and the NSF fee if any.</summary>
    public void TakeBack(int day, Guid payment, decimal nsfFee)
    {
        var paid = _movements.Single(m => m.Payment == payment && m.Kind == Kind.Payment);
        _movements.Add(new Movement(day, Kind.TakeBack, -paid.Cents, Payment: payment));
        if (nsfFee > 0)
            _movements.Add(new Movement(day, Kind.NsfFee, ToCents(nsfFee)));
    }

    public long BalanceOn(int day) => _movements.Where(m => m.Day <= day && m.Kind != Kind.DepositHeld).Sum(m => m.Cents) + _fees.Where(f => f.Day <= day).Sum(f => f.Cents);

    int RankOf(LedgerEntryKind kind) => Array.IndexOf(order, kind);

    public void AssessFees(int lastDay)
    {
        var takenBack = _movements.Where(m => m.Kind == Kind.TakeBack).Select(m => m.Payment).ToHashSet();
        var counted = _movements.Where(m => m.Kind is not (Kind.TakeBack or Kind.DepositHeld) && !(m.Kind == Kind.Payment && takenBack.Contains(m.Payment)))
            .ToList();
        var owed = new List<Owed>();
        var byCharge = new Dictionary<Guid, Owed>();
        var feesOfCharge = new Dictionary<Guid, long>();
        var feesOfMonth = new Dictionary<(int, int), long>();
        long credit = 0;

        Owed Debit(LedgerEntryKind kind, int dueDay, long cents)
        {
            var fromCredit = Math.Min(credit, cents);
            credit -= fromCredit;
            var item = new Owed(RankOf(kind), dueDay, owed.Count, cents - fromCredit);
            owed.Add(item);
            return item;
        }

        for (var day = 0; day <= lastDay; day++)
        {
            var date = new DateOnly(2027, 1, 1).AddDays(day);
            foreach (var charge in _charges.OrderBy(c => c.DueDay).ThenBy(c => c.Id))
            {
                if (!byCharge.TryGetValue(charge.Id, out var item) || item.Cents <= 0)
                    continue;
                var late = day - (charge.DueDay + charge.Policy.GraceDays + 1);
                var due = charge.Policy.Accrual switch
                {
                    LateFeeAccrual.OneTime => late == 0,
                    LateFeeAccrual.Daily => late >= 0,
                    _ => late >= 0 && late % 7 == 0,
                };
                if (!due)
                    continue;

                var rate = charge.Policy.Rate;
                long fee = charge.Policy.Basis switch
                {
                    LateFeeBasis.Fixed => ToCents(rate),
                    LateFeeBasis.PercentOfRent => (long)Math.Round(charge.Cents * rate / 100m, MidpointRounding.AwayFromZero),
                    _ => (long)Math.Round(item.Cents * rate / 100m, MidpointRounding.AwayFromZero),
                };
                var month = (date.Year, date.Month);
                if (charge.Policy.CapPerCharge is { } cap)
                    fee = Math.Min(fee, ToCents(cap) - feesOfCharge.GetValueOrDefault(charge.Id));
                if (charge.Policy.MonthlyMaximum is { } maximum)
                    fee = Math.Min(fee, ToCents(maximum) - feesOfMonth.GetValueOrDefault(month));
                if (fee <= 0)
                    continue;

                feesOfCharge[charge.Id] = feesOfCharge.GetValueOrDefault(charge.Id) + fee;
                feesOfMonth[month] = feesOfMonth.GetValueOrDefault(month) + fee;
                _fees.Add((day, fee));
                Debit(LedgerEntryKind.LateFee, day, fee);
            }

            foreach (var movement in counted.Where(m => m.Day == day))
            {
                switch (movement.Kind)
                {
                    case Kind.Charge:
                        byCharge[movement.Charge!.Value] = Debit(LedgerEntryKind.Charge, _charges.Single(c => c.Id == movement.Charge).DueDay, movement.Cents);
                        break;
                    case Kind.NsfFee:
                        Debit(LedgerEntryKind.NsfFee, day, movement.Cents);
                        break;
                    case Kind.Refund:
                        Debit(LedgerEntryKind.Refund, day, movement.Cents);
                        break;
                    default:
                        var left = -movement.Cents;
                        foreach (var item in owed.Where(o => o.Cents > 0).OrderBy(o => o.Rank).ThenBy(o => o.DueDay).ThenBy(o => o.Sequence))
                        {
                            var share = Math.Min(left, item.Cents);
                            item.Cents -= share;
                            left -= share;
                        }

                        credit += left;
                        break;
                }
            }
        }
    }
}
