using Orchestration.Sagas.Billing;

namespace Orchestration.Sagas.Tests.Billing;

public sealed class When_a_payment_is_returned
{
    [Fact]
    public async Task Should_reverse_it_charge_the_fee_tell_the_tenant_and_reopen_the_charge()
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: true);
        await rent.Succeeds("pi_nsf");
        await rent.ShouldBeIn(x => x.Paid);

        await rent.Returned("pi_nsf");
        await rent.Returned("pi_nsf");

        await rent.ShouldBeIn(x => x.AwaitingPayment);
        rent.LedgerAsWritten().ShouldBe([(LedgerEntryKind.Payment, -1850m), (LedgerEntryKind.Reversal, 1850m), (LedgerEntryKind.NsfFee, 35m)]);
        var payment = rent.Ledger()[0];
        rent.Ledger().Single(x => x.Kind == LedgerEntryKind.Reversal).Reverses.ShouldBe(payment.EntryId);
        rent.Notices(RentNotice.PaymentReturned).ShouldHaveSingleItem().Reason.ShouldBe("R01 insufficient funds");
        rent.Sent<TurnOffAutopay>().ShouldBeEmpty();
        rent.Charge!.Outstanding.ShouldBe(1850m);
    }

    [Fact]
    public async Task Should_make_the_charge_late_at_once_and_recompute_fees_when_the_grace_period_is_over()
    {
        await using var rent = await RentCollectionHarness.Start();
        await rent.Post(autopay: false, graceDays: RentCollectionHarness.ShortGrace);
        await rent.Succeeds("pi_returned_late");
        await Task.Delay(2500);
        await rent.ShouldBeIn(x => x.Paid);

        await rent.Deliver(new RentPaymentReturned
        {
            ChargeId = rent.ChargeId, PaymentId = "pi_returned_late", Amount = RentCollectionHarness.Rent, Reason = "R01", ReturnsOnLease = 1,
            OccurredAt = RentCollectionHarness.Now,
        });

        await RentCollectionHarness.Until(() => rent.Charge?.CurrentState == "Late", "late after the return");
        rent.Sent<AssessLateFees>().ShouldNotBeEmpty();
        rent.Notices(RentNotice.LateFee).ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Should_turn_autopay_off_after_the_configured_number_of_returns()
    {
        await using var rent = await RentCollectionHarness.Start(new RentCollectionOptions
        {
            AutopayRetryDelays = [TimeSpan.FromHours(1)], ReturnsBeforeAutopayOff = 2,
        });
        await rent.Post(autopay: true);
        await rent.Succeeds("pi_second_return");

        await rent.Returned("pi_second_return", returnsOnLease: 2);

        rent.Sent<TurnOffAutopay>().ShouldHaveSingleItem().LeaseId.ShouldBe(rent.LeaseId);
        rent.Notices(RentNotice.AutopayTurnedOff).ShouldHaveSingleItem();
        rent.Charge!.Autopay.ShouldBeFalse();
    }
}
