using Orchestration.Endpoints.Billing.Ledger;

namespace Orchestration.Billing.Tests.Ledger;

public sealed class When_a_payment_is_allocated
{
    static readonly DateOnly March1 = new(2027, 3, 1);
    static readonly Guid FebruaryRent = Guid.NewGuid(), MarchRent = Guid.NewGuid(), FebruaryFee = Guid.NewGuid(), Nsf = Guid.NewGuid();

    static readonly OpenItem[] Open =
    [
        new(MarchRent, LedgerEntryKind.Charge, March1, 3, 1000m),
        new(FebruaryFee, LedgerEntryKind.LateFee, March1.AddDays(-22), 2, 50m),
        new(FebruaryRent, LedgerEntryKind.Charge, March1.AddMonths(-1), 1, 400m),
        new(Nsf, LedgerEntryKind.NsfFee, March1.AddDays(-10), 4, 35m),
    ];

    [Fact]
    public void Should_pay_rent_before_fees_and_the_oldest_rent_first_by_default()
    {
        var allocation = PaymentAllocation.Allocate(Open, 1200m, AllocationOrder.Default);

        allocation.Applied.ShouldBe([new AppliedAmount(FebruaryRent, 400m), new AppliedAmount(MarchRent, 800m)]);
        allocation.Unapplied.ShouldBe(0m);
    }

    [Fact]
    public void Should_follow_a_configured_priority_of_kinds()
    {
        var feesFirst = new AllocationOrder([LedgerEntryKind.NsfFee, LedgerEntryKind.LateFee, LedgerEntryKind.Charge]);

        var allocation = PaymentAllocation.Allocate(Open, 100m, feesFirst);

        allocation.Applied.ShouldBe([new AppliedAmount(Nsf, 35m), new AppliedAmount(FebruaryFee, 50m), new AppliedAmount(FebruaryRent, 15m)]);
    }

    [Fact]
    public void Should_keep_an_overpayment_as_a_prepayment_credit()
    {
        var allocation = PaymentAllocation.Allocate(Open, 1500.01m, AllocationOrder.Default);

        allocation.Applied.Sum(a => a.Amount).ShouldBe(1485m);
        allocation.Unapplied.ShouldBe(15.01m);
    }

    [Fact]
    public void Should_skip_what_is_already_paid()
    {
        var allocation = PaymentAllocation.Allocate([Open[2] with { Outstanding = 0m }, Open[0]], 10m, AllocationOrder.Default);

        allocation.Applied.ShouldBe([new AppliedAmount(MarchRent, 10m)]);
    }

    [Fact]
    public void Should_apply_a_prepayment_credit_to_the_next_charge_when_it_is_posted()
    {
        var leaseId = Guid.NewGuid();
        var march = RentIds.Charge(leaseId, "2027-03");
        var april = RentIds.Charge(leaseId, "2027-04");
        var policy = new LateFeePolicy { Rate = 50m, GraceDays = 5 };
        var charges = new Dictionary<Guid, LateCharge>
        {
            [march] = new(march, March1, 1000m, policy),
            [april] = new(april, March1.AddMonths(1), 1000m, policy),
        };
        LedgerEntry At(DateOnly day, LedgerEntryKind kind, decimal amount, Guid? charge = null) =>
            new(Guid.NewGuid(), leaseId, kind, new Money(amount, "USD"), charge, new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero),
                DateTimeOffset.UnixEpoch);

        // 1,200 paid in March leaves 200 of credit; April's 800 paid on time together with it covers April: no fee.
        var entries = new[]
        {
            At(March1, LedgerEntryKind.Charge, 1000m, march), At(March1, LedgerEntryKind.Payment, -1200m),
            At(March1.AddMonths(1), LedgerEntryKind.Charge, 1000m, april), At(March1.AddMonths(1).AddDays(2), LedgerEntryKind.Payment, -800m),
        };

        LateFees.Due(entries, charges, AllocationOrder.Default, March1.AddMonths(2)).ShouldBeEmpty();
        LateFees.Due(entries[..3], charges, AllocationOrder.Default, March1.AddMonths(2))
            .ShouldBe([new AssessedLateFee(april, March1.AddMonths(1).AddDays(6), 50m)]);
    }
}
