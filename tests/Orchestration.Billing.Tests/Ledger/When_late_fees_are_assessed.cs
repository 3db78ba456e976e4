using Orchestration.Endpoints.Billing.Ledger;

namespace Orchestration.Billing.Tests.Ledger;

public sealed class When_late_fees_are_assessed
{
    static readonly DateOnly March1 = new(2027, 3, 1);
    static readonly LateFeePolicy FiftyOnce = new() { Rate = 50m, GraceDays = 5 };

    static decimal Fees(LeaseHistory lease) => lease.Entries.Where(e => e.Kind == LedgerEntryKind.LateFee).Sum(e => e.Amount.Amount);

    [Fact]
    public void Should_not_count_the_due_day_in_the_grace_period()
    {
        var paidOnLastGraceDay = new LeaseHistory();
        paidOnLastGraceDay.Charge(March1, 1000m, FiftyOnce);
        paidOnLastGraceDay.Pay(March1.AddDays(5), 1000m);
        paidOnLastGraceDay.RecordLateFees(March1.AddDays(31)).ShouldBeEmpty();

        var paidADayLater = new LeaseHistory();
        var charge = paidADayLater.Charge(March1, 1000m, FiftyOnce);
        paidADayLater.Pay(March1.AddDays(6), 1000m);
        var fee = paidADayLater.RecordLateFees(March1.AddDays(31)).ShouldHaveSingleItem();
        fee.ChargeId.ShouldBe(charge);
        fee.Day.ShouldBe(new DateOnly(2027, 3, 7));
        fee.Amount.ShouldBe(new Money(50m, "USD"));
    }

    [Fact]
    public void Should_accrue_daily_up_to_the_cap_per_charge()
    {
        var lease = new LeaseHistory();
        lease.Charge(March1, 1000m, new LateFeePolicy { Rate = 10m, Accrual = LateFeeAccrual.Daily, GraceDays = 3, CapPerCharge = 45m });

        var fees = lease.RecordLateFees(March1.AddDays(20));

        fees.Select(f => (f.Day.Day, f.Amount.Amount)).ShouldBe([(5, 10m), (6, 10m), (7, 10m), (8, 10m), (9, 5m)]);
    }

    [Fact]
    public void Should_accrue_weekly_while_unpaid()
    {
        var lease = new LeaseHistory();
        lease.Charge(March1, 1000m, new LateFeePolicy { Rate = 25m, Accrual = LateFeeAccrual.Weekly, GraceDays = 0 });
        lease.Pay(March1.AddDays(10), 1000m);

        lease.RecordLateFees(March1.AddDays(30)).Select(f => f.Day.Day).ShouldBe([2, 9]);
    }

    [Fact]
    public void Should_keep_a_months_fees_to_the_monthly_maximum_across_charges()
    {
        var lease = new LeaseHistory();
        var policy = new LateFeePolicy { Rate = 40m, GraceDays = 0, MonthlyMaximum = 60m };
        lease.Charge(March1, 1000m, policy);
        lease.Charge(March1, 75m, policy);

        lease.RecordLateFees(March1.AddDays(20)).Select(f => f.Amount.Amount).ShouldBe([40m, 20m]);
    }

    [Fact]
    public void Should_take_a_percentage_of_the_rent_or_of_what_is_unpaid_rounded_to_cents()
    {
        var ofRent = new LeaseHistory();
        ofRent.Charge(March1, 1234.55m, new LateFeePolicy { Basis = LateFeeBasis.PercentOfRent, Rate = 5m, GraceDays = 0 });
        ofRent.Pay(March1, 1000m);
        ofRent.RecordLateFees(March1.AddDays(5)).ShouldHaveSingleItem().Amount.Amount.ShouldBe(61.73m);

        var ofUnpaid = new LeaseHistory();
        ofUnpaid.Charge(March1, 1234.55m, new LateFeePolicy { Basis = LateFeeBasis.PercentOfOutstanding, Rate = 5m, GraceDays = 0 });
        ofUnpaid.Pay(March1, 1000m);
        ofUnpaid.RecordLateFees(March1.AddDays(5)).ShouldHaveSingleItem().Amount.Amount.ShouldBe(11.73m);
    }

    [Fact]
    public void Should_owe_the_fees_a_returned_payment_had_prevented_from_the_day_they_fell_due()
    {
        var lease = new LeaseHistory();
        var charge = lease.Charge(March1, 1000m, new LateFeePolicy { Rate = 5m, Accrual = LateFeeAccrual.Daily, GraceDays = 5, CapPerCharge = 100m });
        var payment = lease.Pay(March1.AddDays(2), 1000m);
        lease.RecordLateFees(March1.AddDays(15)).ShouldBeEmpty();

        lease.Return(March1.AddDays(15), payment, 35m);
        var fees = lease.RecordLateFees(March1.AddDays(15));

        fees.Select(f => f.Day.Day).ShouldBe(Enumerable.Range(7, 10));
        fees.ShouldAllBe(f => f.ChargeId == charge && f.Amount.Amount == 5m);
        lease.BalanceOn(March1.AddDays(15)).ShouldBe(1000m + 35m + 50m);
        lease.RecordLateFees(March1.AddDays(15)).ShouldBeEmpty("the ledger is up to date; recording again adds nothing");
    }

    [Fact]
    public void Should_give_the_same_ids_when_the_same_fees_are_recorded_twice()
    {
        var lease = new LeaseHistory();
        lease.Charge(March1, 1000m, FiftyOnce);

        var first = LateFees.ToRecord(lease.LeaseId, "USD", lease.Entries, lease.Charges, AllocationOrder.Default, March1.AddDays(9), DateTimeOffset.UnixEpoch);
        var again = LateFees.ToRecord(lease.LeaseId, "USD", lease.Entries, lease.Charges, AllocationOrder.Default, March1.AddDays(9), DateTimeOffset.UnixEpoch);

        again.Select(f => f.EntryId).ShouldBe(first.Select(f => f.EntryId));
    }

    [Fact]
    public void Should_apply_the_leases_policy_over_the_propertys_over_the_companys_as_in_force_when_the_charge_was_posted()
    {
        Guid propertyId = Guid.NewGuid(), leaseId = Guid.NewGuid(), otherLease = Guid.NewGuid();
        var company = new LateFeePolicy { Rate = 50m };
        var property = new LateFeePolicy { Rate = 75m };
        var lease = new LateFeePolicy { Rate = 25m };
        var posted = new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var book = new LateFeePolicyBook(company,
        [
            new LateFeePolicySetting(LateFeeScope.Property, propertyId, posted.AddMonths(-6), property),
            new LateFeePolicySetting(LateFeeScope.Lease, leaseId, posted.AddDays(1), lease),
        ]);

        book.InForce(propertyId, leaseId, posted).ShouldBe(property);
        book.InForce(propertyId, leaseId, posted.AddMonths(1)).ShouldBe(lease);
        book.InForce(propertyId, otherLease, posted.AddMonths(1)).ShouldBe(property);
        book.InForce(Guid.NewGuid(), otherLease, posted).ShouldBe(company);
        book.InForce(propertyId, leaseId, posted.AddMonths(-7)).ShouldBe(company);
    }
}
