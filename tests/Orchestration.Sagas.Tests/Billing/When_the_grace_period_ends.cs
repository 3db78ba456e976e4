namespace Orchestration.Sagas.Tests.Billing;

public sealed class When_the_grace_period_ends
{
    [Fact]
    public async Task Should_assess_late_fees_and_tell_the_tenant_when_the_charge_is_unpaid()
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: false, graceDays: RentCollectionHarness.ShortGrace);

        await rent.ShouldBeIn(x => x.Late);
        var assess = rent.Sent<AssessLateFees>().ShouldHaveSingleItem();
        assess.ChargeId.ShouldBe(rent.ChargeId);
        assess.Through.ShouldBe(new DateOnly(2030, 3, 6), "the saga's clock still says the 6th; the engine dates each fee itself");
        rent.Notices(RentNotice.LateFee).ShouldHaveSingleItem().Amount.ShouldBe(RentCollectionHarness.Rent);

        await rent.Succeeds("pi_late", 1850m);
        await rent.ShouldBeIn(x => x.Paid);
        rent.Sent<AssessLateFees>().Count.ShouldBe(2, "a payment of a late charge brings its fees up to date");
    }

    [Fact]
    public async Task Should_do_nothing_when_the_charge_was_paid_in_time()
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: false, graceDays: RentCollectionHarness.ShortGrace);
        await rent.Succeeds("pi_on_time");

        await Task.Delay(2500);
        await rent.ShouldBeIn(x => x.Paid);
        rent.Sent<AssessLateFees>().ShouldBeEmpty();
        rent.Notices(RentNotice.LateFee).ShouldBeEmpty();
    }
}
