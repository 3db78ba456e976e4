namespace Orchestration.Sagas.Tests.Billing;

/// <summary>
/// The gateway's events arrive in any order: a return or a dispute that reaches the charge before the payment's success,
/// or a dispute's closing before its opening, ends in the same ledger as the order they happened in.
/// </summary>
public sealed class When_a_withdrawal_overtakes_its_payment
{
    [Fact]
    public async Task Should_count_the_payment_from_a_return_that_came_first_and_drop_the_late_success()
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: true);

        await rent.Returned("pi_overtaken");
        await rent.Succeeds("pi_overtaken");

        await rent.ShouldBeIn(x => x.AwaitingPayment);
        rent.LedgerAsWritten().ShouldBe([(LedgerEntryKind.Payment, -1850m), (LedgerEntryKind.Reversal, 1850m), (LedgerEntryKind.NsfFee, 35m)]);
        rent.Notices(RentNotice.Receipt).ShouldBeEmpty("no receipt for money the bank took back");
        rent.Charge!.Outstanding.ShouldBe(1850m);
    }

    [Theory]
    [InlineData(true, 0)]
    [InlineData(false, 1850)]
    public async Task Should_settle_a_dispute_whose_closing_came_before_its_opening(bool won, decimal withdrawn)
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: true);
        await rent.Succeeds("pi_disputed");

        await rent.Deliver(new RentDisputeClosed
        {
            ChargeId = rent.ChargeId, PaymentId = "pi_disputed", Amount = RentCollectionHarness.Rent, Won = won, OccurredAt = RentCollectionHarness.Now,
        });
        await rent.Deliver(new RentPaymentDisputed
        {
            ChargeId = rent.ChargeId, PaymentId = "pi_disputed", Amount = RentCollectionHarness.Rent, OccurredAt = RentCollectionHarness.Now,
        });

        await rent.ShouldBeIn(x => won ? x.Paid : x.AwaitingPayment);
        rent.LedgerAsWritten().Where(e => e.Kind == LedgerEntryKind.Dispute).Sum(e => e.Amount).ShouldBe(withdrawn);
        rent.Charge!.Outstanding.ShouldBe(withdrawn);
    }
}
