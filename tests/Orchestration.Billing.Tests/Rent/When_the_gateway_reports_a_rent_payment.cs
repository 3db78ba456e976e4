namespace Orchestration.Billing.Tests.Rent;

/// <summary>
/// The gateway's webhooks about a rent charge's payment, as the payment simulator sends them and the Gateway reads them,
/// reach the charge's rent-collection saga through Billing: delivered more than once and in either order, they end in
/// the same ledger; a payment that does not fit the charge is a discrepancy and moves nothing. On SQLite.
/// </summary>
public sealed class When_the_gateway_reports_a_rent_payment(BillingFixture fixture) : BillingTest(fixture)
{
    readonly RentCharges _rent = new(fixture.Host);

    [Fact]
    public async Task Should_pay_the_charge_once_however_often_the_success_is_delivered()
    {
        var charge = await _rent.PostedAsync(1850.00m);
        var paid = await _rent.WebhookAsync("payment_intent.succeeded", charge.ChargeId.ToString());

        await _rent.DeliverAsync(paid, times: 3);

        (await _rent.SettledLedgerAsync(charge.LeaseId, 2)).ShouldBe([(LedgerEntryKind.Charge, 1850.00m), (LedgerEntryKind.Payment, -1850.00m)],
            ignoreOrder: true);
        await Host.Published.WaitForAsync<RentCollectionProgressed>(p => p.ChargeId == charge.ChargeId && p.State == "Paid");
        Host.Published.All<ProviderEventDiscrepancyRecorded>(d => d.LeaseId == charge.LeaseId).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_pass_on_a_declined_autopay_to_the_charge_and_take_nothing()
    {
        // An amount ending in 02 is declined by the gateway (its test-card convention).
        var charge = await _rent.PostedAsync(1850.02m);
        var failed = await _rent.WebhookAsync("payment_intent.payment_failed", charge.ChargeId.ToString());

        await _rent.DeliverAsync(failed, times: 2);

        (await Host.Published.WaitForAsync<RentPaymentFailed>(f => f.ChargeId == charge.ChargeId)).First().Reason.ShouldBe("Your card was declined.");
        (await _rent.SettledLedgerAsync(charge.LeaseId, 1)).ShouldBe([(LedgerEntryKind.Charge, 1850.02m)]);
        Host.Published.All<RentPaymentReturned>(r => r.ChargeId == charge.ChargeId).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_reverse_a_returned_payment_and_charge_the_fee_whichever_arrives_first(bool returnFirst)
    {
        var charge = await _rent.PostedAsync(1850.00m);
        var paid = await _rent.WebhookAsync("payment_intent.succeeded", charge.ChargeId.ToString());
        var intentId = ((PaymentIntentSucceeded)paid).PaymentIntentId;
        // Stripe's event times are whole seconds; a bank return comes days after the success.
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await _rent.GatewayAsync($"_sim/payment_intents/{intentId}/return");
        var returned = await _rent.WebhookAsync("payment_intent.payment_failed", intentId);

        foreach (var webhook in returnFirst ? new[] { returned, paid } : [paid, returned])
            await _rent.DeliverAsync(webhook, times: 2);

        (await _rent.SettledLedgerAsync(charge.LeaseId, 4)).ShouldBe(
            [(LedgerEntryKind.Charge, 1850.00m), (LedgerEntryKind.Payment, -1850.00m), (LedgerEntryKind.Reversal, 1850.00m), (LedgerEntryKind.NsfFee, 35.00m)],
            ignoreOrder: true);
        Host.Published.All<RentPaymentReturned>(r => r.ChargeId == charge.ChargeId).ShouldAllBe(r => r.ReturnsOnLease == 1);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Should_count_each_refund_once_from_the_refunded_totals_in_any_order(bool newestFirst)
    {
        var charge = await _rent.PostedAsync(1850.00m);
        var paid = (PaymentIntentSucceeded)await _rent.WebhookAsync("payment_intent.succeeded", charge.ChargeId.ToString());
        await _rent.DeliverAsync(paid);
        await _rent.GatewayAsync("v1/refunds", KeyValuePair.Create("payment_intent", paid.PaymentIntentId), KeyValuePair.Create("amount", "10000"));
        await _rent.GatewayAsync("v1/refunds", KeyValuePair.Create("payment_intent", paid.PaymentIntentId), KeyValuePair.Create("amount", "5000"));
        var first = await _rent.WebhookAsync("charge.refunded", paid.PaymentIntentId);
        var second = await _rent.WebhookAsync("charge.refunded", paid.PaymentIntentId, index: 1);

        foreach (var webhook in newestFirst ? new[] { second, first } : [first, second])
            await _rent.DeliverAsync(webhook, times: 2);

        var ledger = await _rent.SettledLedgerAsync(charge.LeaseId, 3);
        ledger.Where(e => e.Kind == LedgerEntryKind.Refund).Sum(e => e.Amount).ShouldBe(150.00m);
        ledger.Sum(e => e.Amount).ShouldBe(150.00m, "the tenant owes what was given back");
    }

    [Theory]
    [InlineData(false, true)]
    [InlineData(true, true)]
    [InlineData(false, false)]
    [InlineData(true, false)]
    public async Task Should_withdraw_disputed_funds_and_settle_them_when_the_dispute_closes_in_either_order(bool closedFirst, bool won)
    {
        var charge = await _rent.PostedAsync(1850.00m);
        var paid = (PaymentIntentSucceeded)await _rent.WebhookAsync("payment_intent.succeeded", charge.ChargeId.ToString());
        await _rent.DeliverAsync(paid);
        var dispute = await _rent.GatewayAsync($"_sim/payment_intents/{paid.PaymentIntentId}/dispute");
        await _rent.GatewayAsync($"_sim/disputes/{dispute.GetProperty("id").GetString()}/close?outcome={(won ? "won" : "lost")}");
        var opened = await _rent.WebhookAsync("charge.dispute.created", paid.PaymentIntentId);
        var closed = await _rent.WebhookAsync("charge.dispute.closed", paid.PaymentIntentId);

        foreach (var webhook in closedFirst ? new[] { closed, opened } : [opened, closed])
            await _rent.DeliverAsync(webhook, times: 2);

        List<(LedgerEntryKind, decimal)> expected = [(LedgerEntryKind.Charge, 1850.00m), (LedgerEntryKind.Payment, -1850.00m), (LedgerEntryKind.Dispute, 1850.00m)];
        if (won)
            expected.Add((LedgerEntryKind.Dispute, -1850.00m));
        (await _rent.SettledLedgerAsync(charge.LeaseId, expected.Count)).ShouldBe(expected, ignoreOrder: true);
        await Host.Published.WaitForAsync<RentCollectionProgressed>(p => p.ChargeId == charge.ChargeId && p.State == (won ? "Paid" : "AwaitingPayment"));
    }

    [Theory]
    [InlineData(2000.00, "USD")]
    [InlineData(1850.00, "EUR")]
    public async Task Should_record_a_payment_that_does_not_fit_the_charge_as_a_mismatch_and_move_nothing(decimal amount, string currency)
    {
        var charge = await _rent.PostedAsync(1850.00m);
        var paid = (PaymentIntentSucceeded)await _rent.WebhookAsync("payment_intent.succeeded", charge.ChargeId.ToString());
        var wrong = paid with { ProviderEventId = $"evt_{Guid.NewGuid():N}", Amount = new Money(amount, currency) };

        await _rent.DeliverAsync(wrong);

        var discrepancy = (await Host.Published.WaitForAsync<ProviderEventDiscrepancyRecorded>(d => d.EventId == wrong.ProviderEventId)).ShouldHaveSingleItem();
        discrepancy.Kind.ShouldBe(DiscrepancyKinds.Mismatch);
        discrepancy.LeaseId.ShouldBe(charge.LeaseId);
        discrepancy.ProviderReference.ShouldBe(paid.PaymentIntentId);
        (await _rent.SettledLedgerAsync(charge.LeaseId, 1)).ShouldBe([(LedgerEntryKind.Charge, 1850.00m)]);
        Host.Published.All<RentPaymentSucceeded>(p => p.ChargeId == charge.ChargeId).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_record_a_rent_charge_that_was_never_posted_as_unmatched()
    {
        var charge = await _rent.PostedAsync(1850.00m);
        var paid = (PaymentIntentSucceeded)await _rent.WebhookAsync("payment_intent.succeeded", charge.ChargeId.ToString());
        var forged = paid with { ProviderEventId = $"evt_{Guid.NewGuid():N}", RentCharge = Guid.NewGuid() };

        await _rent.DeliverAsync(forged);

        (await Host.Published.WaitForAsync<ProviderEventDiscrepancyRecorded>(d => d.EventId == forged.ProviderEventId)).ShouldHaveSingleItem()
            .Kind.ShouldBe(DiscrepancyKinds.Unmatched);
        (await _rent.SettledLedgerAsync(charge.LeaseId, 1)).ShouldBe([(LedgerEntryKind.Charge, 1850.00m)]);
    }
}
