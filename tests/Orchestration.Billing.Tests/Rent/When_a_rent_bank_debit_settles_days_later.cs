namespace Orchestration.Billing.Tests.Rent;

/// <summary>
/// A rent payment that stays processing before it succeeds, as bank debits do: the charge shows it as processing, then
/// paid; a processing report that arrives after the success changes nothing. On PostgreSQL.
/// </summary>
public sealed class When_a_rent_bank_debit_settles_days_later(SettlingPaymentsFixture fixture) : IClassFixture<SettlingPaymentsFixture>
{
    readonly RentCharges _rent = new(fixture.Host);

    [Fact]
    public async Task Should_show_the_charge_processing_then_paid_and_ignore_a_late_processing_report()
    {
        var charge = await _rent.PostedAsync(1850.00m);
        var processing = await _rent.WebhookAsync("payment_intent.processing", charge.ChargeId.ToString());
        await _rent.DeliverAsync(processing);
        await fixture.Host.Published.WaitForAsync<RentCollectionProgressed>(p => p.ChargeId == charge.ChargeId && p.State == "Processing");

        var paid = await _rent.WebhookAsync("payment_intent.succeeded", charge.ChargeId.ToString());
        await _rent.DeliverAsync(paid);
        await _rent.DeliverAsync(processing, times: 2);

        (await _rent.SettledLedgerAsync(charge.LeaseId, 2)).ShouldBe([(LedgerEntryKind.Charge, 1850.00m), (LedgerEntryKind.Payment, -1850.00m)],
            ignoreOrder: true);
        fixture.Host.Published.All<RentCollectionProgressed>(p => p.ChargeId == charge.ChargeId).Last().State.ShouldBe("Paid");
    }
}
