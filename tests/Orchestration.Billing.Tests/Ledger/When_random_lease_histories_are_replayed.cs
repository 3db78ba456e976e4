using System.Globalization;
using CsCheck;
using Orchestration.Endpoints.Billing.Ledger;
using Xunit.Abstractions;

namespace Orchestration.Billing.Tests.Ledger;

/// <summary>
/// Random lease histories (charges under random late-fee policies, full, partial and over-payments, returned and
/// disputed payments with NSF fees, credits and refunds, security deposits held, on random days, in a random allocation order) are written to a
/// ledger the way Billing writes it: entries as they happen, late fees brought up to date after each. The balance of
/// every day must equal that of <see cref="ReferenceAccount"/>, a separate model in whole cents, to the cent; no charge's
/// late fees may exceed its cap, and no month's fees the monthly maximum. Seeded: a failing run prints its seed, and
/// <c>LEDGER_SEED</c> replays it; <c>LEDGER_CASES</c> sets the number of histories (default <see cref="DefaultCases"/>).
/// </summary>
public sealed class When_random_lease_histories_are_replayed(ITestOutputHelper output)
{
    const int DefaultCases = 3_000;
    const int LastDay = 150;
    static readonly DateOnly Start = new(2027, 1, 1);

    static int Cases => int.TryParse(Environment.GetEnvironmentVariable("LEDGER_CASES"), CultureInfo.InvariantCulture, out var cases) ? cases : DefaultCases;
    static string? Seed => Environment.GetEnvironmentVariable("LEDGER_SEED") is { Length: > 0 } seed ? seed : null;

    static readonly Gen<LateFeePolicy> Policy =
        Gen.Select(Gen.Enum<LateFeeBasis>(), Gen.Int[0, 10_000], Gen.Enum<LateFeeAccrual>(), Gen.Int[0, 10], Gen.Int[-1, 20_000], Gen.Int[-1, 30_000])
            .Select((basis, rate, accrual, grace, cap, maximum) => new LateFeePolicy
            {
                Basis = basis,
                // Fixed: up to 100.00 in cents; a percentage: up to 20.0 % in tenths.
                Rate = basis == LateFeeBasis.Fixed ? rate / 100m : rate % 201 / 10m,
                Accrual = accrual,
                GraceDays = grace,
                CapPerCharge = cap < 0 ? null : cap / 100m,
                MonthlyMaximum = maximum < 0 ? null : maximum / 100m,
            });

    static readonly Gen<decimal> Cents = Gen.Int[1, 300_000].Select(cents => cents / 100m);
    static readonly Gen<int> Day = Gen.Int[0, LastDay];

    static readonly Gen<Step> Steps = Gen.Frequency(
        (3, Gen.Select(Day, Gen.Int[0, 3], Cents, Policy).Select((day, dueIn, amount, policy) => (Step)new PostCharge(day, dueIn, amount, policy))),
        (5, Gen.Select(Day, Cents).Select((day, amount) => (Step)new Pay(day, amount))),
        (2, Gen.Select(Day, Gen.Int[0, 1000], Gen.Int[0, 5_000]).Select((day, which, fee) => (Step)new Return(day, which, fee / 100m))),
        (1, Gen.Select(Day, Gen.Int[0, 1000]).Select((day, which) => (Step)new Dispute(day, which))),
        (1, Gen.Select(Day, Gen.Int[1, 50_000]).Select((day, cents) => (Step)new Refund(day, cents / 100m))),
        (1, Gen.Select(Day, Gen.Int[1, 20_000]).Select((day, cents) => (Step)new Credit(day, cents / 100m))),
        (1, Gen.Select(Day, Gen.Int[1, 300_000]).Select((day, cents) => (Step)new HoldDeposit(day, cents / 100m))));

    static readonly LedgerEntryKind[] Debits = [LedgerEntryKind.Charge, LedgerEntryKind.LateFee, LedgerEntryKind.NsfFee, LedgerEntryKind.Refund];

    static readonly Gen<(Step[] Steps, LedgerEntryKind[] Order)> Histories = Gen.Select(Steps.Array[1, 40], Gen.Shuffle(Debits));

    [Fact]
    public void Should_give_every_days_balance_to_the_cent_and_never_exceed_a_cap()
    {
        Histories.Sample(history =>
        {
            var order = new AllocationOrder(history.Order);
            var lease = new LeaseHistory();
            var reference = new ReferenceAccount(history.Order);
            var payments = new List<LedgerEntry>();
            var takenBack = new HashSet<Guid>();

            foreach (var step in history.Steps.OrderBy(s => s.Day))
            {
                var day = Start.AddDays(step.Day);
                switch (step)
                {
                    case PostCharge charge:
                        var chargeId = lease.Charge(day.AddDays(charge.DueIn), charge.Amount, charge.Policy, postedOn: day);
                        reference.Charge(chargeId, step.Day, step.Day + charge.DueIn, charge.Amount, charge.Policy);
                        break;
                    case Pay pay:
                        payments.Add(lease.Pay(day, pay.Amount));
                        reference.Move(step.Day, ReferenceAccount.Kind.Payment, -pay.Amount, payments[^1].EntryId);
                        break;
                    case Return or Dispute when payments.Where(p => !takenBack.Contains(p.EntryId)).ToList() is { Count: > 0 } open:
                        var payment = open[(step is Return r ? r.Which : ((Dispute)step).Which) % open.Count];
                        takenBack.Add(payment.EntryId);
                        if (step is Return returned)
                        {
                            lease.Return(day, payment, returned.NsfFee);
                            reference.TakeBack(step.Day, payment.EntryId, returned.NsfFee);
                        }
                        else
                        {
                            lease.Add(day, LedgerEntryKind.Dispute, -payment.Amount.Amount, payment.ChargeId, payment.EntryId);
                            reference.TakeBack(step.Day, payment.EntryId, 0m);
                        }

                        break;
                    case Refund refund:
                        lease.Add(day, LedgerEntryKind.Refund, refund.Amount);
                        reference.Move(step.Day, ReferenceAccount.Kind.Refund, refund.Amount);
                        break;
                    case Credit credit:
                        lease.Add(day, LedgerEntryKind.Credit, -credit.Amount);
                        reference.Move(step.Day, ReferenceAccount.Kind.Payment, -credit.Amount);
                        break;
                    case HoldDeposit deposit:
                        lease.Add(day, LedgerEntryKind.DepositHeld, -deposit.Amount);
                        reference.Move(step.Day, ReferenceAccount.Kind.DepositHeld, -deposit.Amount);
                        break;
                }

                lease.RecordLateFees(day, order);
            }

            lease.RecordLateFees(Start.AddDays(LastDay), order);

            reference.AssessFees(LastDay);
            for (var day = 0; day <= LastDay; day++)
            {
                var balance = lease.BalanceOn(Start.AddDays(day));
                if (balance * 100m != reference.BalanceOn(day))
                    throw new InvalidOperationException($"Day {day}: the ledger says {balance}, the reference {reference.BalanceOn(day) / 100m}.");
            }

            CheckCaps(lease);
        }, writeLine: output.WriteLine, seed: Seed, iter: Cases, threads: 1,
            print: history => string.Join("; ", history.Steps.OrderBy(s => s.Day).Select(s => s.ToString())) + $" order {string.Join(",", history.Order)}");
    }

    /// <summary>The fees as the ledger holds them, net of corrections: within each charge's cap, and each month's within the maximum.</summary>
    static void CheckCaps(LeaseHistory lease)
    {
        var net = lease.Entries.Where(e => e.Kind == LedgerEntryKind.LateFee)
            .GroupBy(e => (Charge: e.ChargeId!.Value, e.Day))
            .Select(g => (g.Key.Day, Amount: g.Sum(e => e.Amount.Amount), Charge: lease.Charges[g.Key.Charge]))
            .Where(f => f.Amount != 0)
            .OrderBy(f => f.Day).ThenBy(f => f.Charge.DueOn).ThenBy(f => f.Charge.ChargeId)
            .ToList();
        net.ShouldAllBe(f => f.Amount > 0);

        foreach (var charge in net.GroupBy(f => f.Charge))
        {
            if (charge.Key.Policy.CapPerCharge is { } cap)
                charge.Sum(f => f.Amount).ShouldBeLessThanOrEqualTo(cap);
        }

        foreach (var month in net.GroupBy(f => (f.Day.Year, f.Day.Month)))
        {
            var total = 0m;
            foreach (var fee in month)
            {
                total += fee.Amount;
                if (fee.Charge.Policy.MonthlyMaximum is { } maximum)
                    total.ShouldBeLessThanOrEqualTo(maximum, $"a fee on {fee.Day} took the month past its maximum");
            }
        }
    }

    abstract record Step(int Day);
    sealed record PostCharge(int Day, int DueIn, decimal Amount, LateFeePolicy Policy) : Step(Day);
    sealed record Pay(int Day, decimal Amount) : Step(Day);
    sealed record Return(int Day, int Which, decimal NsfFee) : Step(Day);
    sealed record Dispute(int Day, int Which) : Step(Day);
    sealed record Refund(int Day, decimal Amount) : Step(Day);
    sealed record Credit(int Day, decimal Amount) : Step(Day);
    sealed record HoldDeposit(int Day, decimal Amount) : Step(Day);
}
