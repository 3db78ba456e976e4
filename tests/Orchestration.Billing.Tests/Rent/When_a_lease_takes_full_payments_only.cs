using MassTransit;

namespace Orchestration.Billing.Tests.Rent;

/// <summary>The fixture of <see cref="When_a_lease_takes_full_payments_only"/>: tenants pay by invoice, so no autopay pays their charges first.</summary>
public sealed class InvoicedBillingFixture()
    : HostFixture<BillingHost>(() => BillingHost.StartAsync(new Dictionary<string, string?> { ["Billing:Rent:AutopayNewLeases"] = "false" }));

/// <summary>A lease's "full payment only" switch against payments made at the gateway for part of the charge.</summary>
public sealed class When_a_lease_takes_full_payments_only(InvoicedBillingFixture fixture) : IClassFixture<InvoicedBillingFixture>
{
    readonly BillingHost _host = fixture.Host;
    readonly RentCharges _rent = new(fixture.Host);

    /// <summary>A card payment at the gateway of <paramref name="amount"/> for the charge, and its success as the Gateway reads it.</summary>
    async Task<PaymentIntentSucceeded> PaidAtTheGatewayAsync(RentCharges.Charge charge, decimal amount)
    {
        var intent = await _rent.GatewayAsync("v1/payment_intents",
            new("amount", ((long)(amount * 100)).ToString(System.Globalization.CultureInfo.InvariantCulture)), new("currency", "usd"),
            new("confirm", "true"), new("payment_method", "pm_card_visa"), new("metadata[lease_id]", charge.LeaseId.ToString()),
            new("metadata[rent_charge]", charge.ChargeId.ToString()));
        return (PaymentIntentSucceeded)await _rent.WebhookAsync("payment_intent.succeeded", intent.GetProperty("id").GetString()!);
    }

    Task<Exception?> FullPaymentOnlyAsync(Guid leaseId, bool on = true) =>
        _host.SendAsync(new SetLeaseRentSettings { LeaseId = leaseId, FullPaymentOnly = on, SetAt = DateTimeOffset.UtcNow });

    [Fact]
    public async Task Should_refuse_a_partial_payment_refund_it_once_and_apply_a_full_one()
    {
        var charge = await _rent.PostedAsync(1000.00m);
        (await FullPaymentOnlyAsync(charge.LeaseId)).ShouldBeNull();
        var part = await PaidAtTheGatewayAsync(charge, 400.00m);

        await _rent.DeliverAsync(part, times: 3);

        var refused = (await _host.Published.WaitForAsync<RentPaymentRefused>(e => e.PaymentId == part.PaymentIntentId)).ShouldHaveSingleItem();
        (refused.Amount, refused.Owed).ShouldBe((Money.Of(400.00m, "USD"), Money.Of(1000.00m, "USD")));
        var refunded = (PaymentChargeRefunded)await _rent.WebhookAsync("charge.refunded", part.PaymentIntentId);
        refunded.AmountRefunded.ShouldBe(Money.Of(400.00m, "USD"));
        await _rent.DeliverAsync(refunded, times: 2);
        (await _host.Published.SettledAsync<RentPaymentRefused>(TimeSpan.FromMilliseconds(500))).Count(e => e.PaymentId == part.PaymentIntentId)
            .ShouldBe(1, "a repeated event is refused once");
        (await _host.EventsAsync("charge.refunded", part.PaymentIntentId)).Count.ShouldBe(1, "the gateway refunded it once");
        _host.Published.All<RentPaymentSucceeded>(e => e.PaymentId == part.PaymentIntentId).ShouldBeEmpty();
        (await _host.LedgerAsync(charge.LeaseId)).Select(e => e.Kind).ShouldBe([LedgerEntryKind.Charge], "the refused payment moved nothing");

        var whole = await PaidAtTheGatewayAsync(charge, 1000.00m);
        await _rent.DeliverAsync(whole);

        (await _host.Published.WaitForAsync<RentPaymentSucceeded>(e => e.PaymentId == whole.PaymentIntentId)).ShouldHaveSingleItem();
        (await _rent.SettledLedgerAsync(charge.LeaseId, 2)).ShouldBe([(LedgerEntryKind.Charge, 1000.00m), (LedgerEntryKind.Payment, -1000.00m)], ignoreOrder: true);
    }

    [Fact]
    public async Task Should_apply_a_partial_payment_on_a_lease_that_takes_them_as_by_default()
    {
        var charge = await _rent.PostedAsync(1000.00m);
        (await FullPaymentOnlyAsync(charge.LeaseId)).ShouldBeNull();
        (await FullPaymentOnlyAsync(charge.LeaseId, on: false)).ShouldBeNull();
        var part = await PaidAtTheGatewayAsync(charge, 400.00m);

        await _rent.DeliverAsync(part);

        (await _host.Published.WaitForAsync<RentPaymentSucceeded>(e => e.PaymentId == part.PaymentIntentId)).ShouldHaveSingleItem();
        _host.Published.All<RentPaymentRefused>(e => e.PaymentId == part.PaymentIntentId).ShouldBeEmpty();
        (await _rent.SettledLedgerAsync(charge.LeaseId, 2)).ShouldBe([(LedgerEntryKind.Charge, 1000.00m), (LedgerEntryKind.Payment, -400.00m)], ignoreOrder: true);
    }
}
