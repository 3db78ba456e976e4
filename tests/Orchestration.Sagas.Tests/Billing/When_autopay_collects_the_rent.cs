namespace Orchestration.Sagas.Tests.Billing;

public sealed class When_autopay_collects_the_rent
{
    [Fact]
    public async Task Should_charge_once_under_the_charge_id_and_record_the_payment_with_a_receipt()
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: true);

        var request = rent.AutopayRequests().ShouldHaveSingleItem();
        request.IdempotencyKey.ShouldBe(rent.ChargeId.ToString("N"));
        request.Amount.ShouldBe(RentCollectionHarness.Rent);
        rent.Notices(RentNotice.Invoice).ShouldBeEmpty();

        await rent.Succeeds("pi_autopay_1");

        await rent.ShouldBeIn(x => x.Paid);
        rent.LedgerAsWritten().ShouldBe([(LedgerEntryKind.Payment, -1850m)]);
        rent.Notices(RentNotice.Receipt).ShouldHaveSingleItem().Amount.ShouldBe(RentCollectionHarness.Rent);
        rent.Published<RentCollectionProgressed>().Last().State.ShouldBe("Paid");
        rent.NoMessageShouldHaveFaulted();
    }
}
