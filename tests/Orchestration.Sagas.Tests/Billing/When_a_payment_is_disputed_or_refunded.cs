namespace Orchestration.Sagas.Tests.Billing;

public sealed class When_a_payment_is_disputed_or_refunded
{
    [Fact]
    public async Task Should_withdraw_the_funds_while_disputed_and_give_them_back_when_won()
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: true);
        await rent.Succeeds("pi_card");

        await rent.Deliver(new RentPaymentDisputed { ChargeId = rent.ChargeId, PaymentId = "pi_card", Amount = RentCollectionHarness.Rent, OccurredAt = RentCollectionHarness.Now });
        await rent.ShouldBeIn(x => x.AwaitingPayment);

        await rent.Deliver(new RentDisputeClosed
        {
            ChargeId = rent.ChargeId, PaymentId = "pi_card", Amount = RentCollectionHarness.Rent, Won = true, OccurredAt = RentCollectionHarness.Now,
        });
        await rent.ShouldBeIn(x => x.Paid);
        rent.LedgerAsWritten().ShouldBe([(LedgerEntryKind.Payment, -1850m), (LedgerEntryKind.Dispute, 1850m), (LedgerEntryKind.Dispute, -1850m)]);
    }

    [Fact]
    public async Task Should_keep_the_funds_withdrawn_when_the_dispute_is_lost()
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: true);
        await rent.Succeeds("pi_card_lost");
        await rent.Deliver(new RentPaymentDisputed { ChargeId = rent.ChargeId, PaymentId = "pi_card_lost", Amount = RentCollectionHarness.Rent, OccurredAt = RentCollectionHarness.Now });

        await rent.Deliver(new RentDisputeClosed
        {
            ChargeId = rent.ChargeId, PaymentId = "pi_card_lost", Amount = RentCollectionHarness.Rent, Won = false, OccurredAt = RentCollectionHarness.Now,
        });

        await rent.ShouldBeIn(x => x.AwaitingPayment);
        rent.LedgerAsWritten().Sum(x => x.Amount).ShouldBe(0m);
    }

    [Fact]
    public async Task Should_record_a_refunded_overpayment_once()
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: false);
        await rent.Succeeds("pi_over", 2000m);
        await rent.ShouldBeIn(x => x.Paid);

        var refund = new RentPaymentRefunded
        {
            ChargeId = rent.ChargeId, PaymentId = "pi_over", RefundId = "re_150", Amount = Money.Of(150m, "USD"), OccurredAt = RentCollectionHarness.Now,
        };
        await rent.Deliver(refund);
        await rent.Deliver(refund);

        await rent.ShouldBeIn(x => x.Paid);
        rent.LedgerAsWritten().ShouldBe([(LedgerEntryKind.Payment, -2000m), (LedgerEntryKind.Refund, 150m)]);
        rent.Charge!.Outstanding.ShouldBe(0m);
    }
}
