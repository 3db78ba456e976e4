using MassTransit;
using System.Globalization;
using Orchestration.Endpoints.Billing.Refunds;

namespace Orchestration.Billing.Tests.Rent;

/// <summary>
/// Staff pay back a lease's credit (rent paid beyond the charge): Billing refunds the newest payments first through the
/// payment simulator and posts each refund once, also when the gateway's <c>charge.refunded</c> comes back, repeated;
/// a refund the credit cannot cover moves no money. On SQLite.
/// </summary>
public sealed class When_staff_refund_a_lease_credit(BillingFixture fixture) : BillingTest(fixture)
{
    readonly RentCharges _rent = new(fixture.Host);

    /// <summary>A charge paid by autopay, then paid beyond it at the gateway with <paramref name="extras"/>, oldest first; their intents.</summary>
    async Task<(RentCharges.Charge Charge, List<string> Extras)> OverpaidAsync(params decimal[] extras)
    {
        var charge = await _rent.PostedAsync(1000.00m);
        await _rent.DeliverAsync(await _rent.WebhookAsync("payment_intent.succeeded", charge.ChargeId.ToString()));
        List<string> intents = [];
        foreach (var amount in extras)
        {
            // Stripe's event times are whole seconds: each payment in a second of its own keeps "newest" meaningful.
            await Task.Delay(TimeSpan.FromSeconds(1.1));
            var intent = await _rent.GatewayAsync("v1/payment_intents",
                new("amount", ((long)(amount * 100)).ToString(CultureInfo.InvariantCulture)), new("currency", "usd"), new("confirm", "true"),
                new("payment_method", "pm_card_visa"), new("metadata[lease_id]", charge.LeaseId.ToString()),
                new("metadata[rent_charge]", charge.ChargeId.ToString()));
            var id = intent.GetProperty("id").GetString()!;
            await _rent.DeliverAsync(await _rent.WebhookAsync("payment_intent.succeeded", id));
            intents.Add(id);
        }
        (await _rent.SettledLedgerAsync(charge.LeaseId, 2 + extras.Length)).Sum(e => e.Amount).ShouldBe(-extras.Sum());
        return (charge, intents);
    }

    static RefundLeaseCredit Refund(Guid leaseId, decimal amount) => new()
    {
        RefundId = NewId.NextGuid(), LeaseId = leaseId, Amount = Money.Of(amount, "USD"), Reason = "Overpaid rent", RequestedBy = "accountant",
        RequestedAt = DateTimeOffset.UtcNow,
    };

    [Fact]
    public async Task Should_refund_the_newest_payments_first_and_record_each_refund_once()
    {
        var (charge, extras) = await OverpaidAsync(200.00m, 150.00m);

        (await Host.SendAsync(Refund(charge.LeaseId, 300.00m))).ShouldBeNull();

        var ledger = await _rent.SettledLedgerAsync(charge.LeaseId, 6);
        ledger.Where(e => e.Kind == LedgerEntryKind.Refund).Select(e => e.Amount)
            .ShouldBe([150.00m, 150.00m], "the newest payment first, then the one before");
        foreach (var intent in extras)
        {
            // The gateway reports the refunds as it reports any refund of a rent payment; they are on the ledger already.
            var refunded = (PaymentChargeRefunded)await _rent.WebhookAsync("charge.refunded", intent);
            await _rent.DeliverAsync(refunded, times: 2);
        }

        ledger = await _rent.SettledLedgerAsync(charge.LeaseId, 6);
        ledger.Count.ShouldBe(6, "no refund of the charge on top of the staff refund");
        ledger.Sum(e => e.Amount).ShouldBe(-50.00m, "the credit left");
        Host.Published.All<RentPaymentRefunded>(e => e.ChargeId == charge.ChargeId).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_refuse_a_refund_larger_than_the_credit_and_move_no_money()
    {
        var (charge, extras) = await OverpaidAsync(100.00m);

        var refused = await Host.SendAsync(Refund(charge.LeaseId, 150.00m));

        refused.ShouldBeOfType<InvalidLeaseCreditRefundException>().Message.ShouldContain("the credit is 100");
        (await Host.EventsAsync("charge.refunded", extras[0])).ShouldBeEmpty();
        (await Host.LedgerAsync(charge.LeaseId)).ShouldNotContain(e => e.Kind == LedgerEntryKind.Refund);
    }
}
