namespace Orchestration.Sagas.Tests.Billing;

public sealed class When_a_tenant_without_autopay_pays_in_parts
{
    [Fact]
    public async Task Should_invoice_then_count_each_part_until_paid_in_full_with_a_receipt_for_each()
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: false);

        rent.Notices(RentNotice.Invoice).ShouldHaveSingleItem().Amount.ShouldBe(RentCollectionHarness.Rent);
        rent.AutopayRequests().ShouldBeEmpty();

        await rent.Succeeds("pi_part_1", 1000m);
        await rent.ShouldBeIn(x => x.PartiallyPaid);
        rent.Charge!.Outstanding.ShouldBe(850m);

        await rent.Succeeds("pi_part_2", 850m);
        await rent.ShouldBeIn(x => x.Paid);
        rent.LedgerAsWritten().ShouldBe([(LedgerEntryKind.Payment, -1000m), (LedgerEntryKind.Payment, -850m)]);
        rent.Notices(RentNotice.Receipt).Select(x => x.Amount.Amount).ShouldBe([1000m, 850m]);
    }

    [Fact]
    public async Task Should_not_count_a_payment_in_another_currency()
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: false);

        await rent.Succeeds("pi_in_euros", 1850m, "EUR");

        await rent.ShouldBeIn(x => x.AwaitingPayment);
        rent.Ledger().ShouldBeEmpty();
    }
}
