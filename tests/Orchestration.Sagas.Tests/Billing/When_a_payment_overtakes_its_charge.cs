using MassTransit;

namespace Orchestration.Sagas.Tests.Billing;

public sealed class When_a_payment_overtakes_its_charge
{
    [Fact]
    public async Task Should_fail_the_payment_for_a_later_delivery_rather_than_drop_it_and_record_it_once_the_charge_is_posted()
    {
        await using var rent = await RentCollectionHarness.Start();
        var early = new RentPaymentSucceeded { ChargeId = rent.ChargeId, PaymentId = "pi_early", Amount = RentCollectionHarness.Rent, OccurredAt = RentCollectionHarness.Now };

        await rent.Harness.Bus.Publish(early);
        (await rent.Harness.Published.Any<Fault<RentPaymentSucceeded>>(x => x.Context.Message.Message.ChargeId == rent.ChargeId))
            .ShouldBeTrue("a payment for a charge whose saga has not started yet fails, so recoverability delivers it again");
        rent.Ledger().ShouldBeEmpty();

        await rent.Post(autopay: false);
        await rent.Succeeds("pi_early");

        await rent.ShouldBeIn(x => x.Paid);
        rent.LedgerAsWritten().ShouldBe([(LedgerEntryKind.Payment, -1850m)]);
    }
}
