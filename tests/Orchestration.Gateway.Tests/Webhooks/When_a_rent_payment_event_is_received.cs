using System.Text.Json;

namespace Orchestration.Gateway.Tests.Webhooks;

/// <summary>
/// Stripe's events about rent payments, signed as Stripe signs them, are read by Stripe.net and passed on to Billing with
/// what Billing needs to find the charge: the intent's <c>metadata[rent_charge]</c>, a refund's running total, a
/// dispute's intent and outcome.
/// </summary>
public sealed class When_a_rent_payment_event_is_received
{
    static readonly Guid Lease = Guid.NewGuid();
    static readonly Guid Charge = Guid.NewGuid();
    static readonly Dictionary<string, string> Metadata = new() { ["lease_id"] = Lease.ToString(), ["rent_charge"] = Charge.ToString() };

    static string Event(string id, string type, object resource) => JsonSerializer.Serialize(new
    {
        id,
        @object = "event",
        api_version = Stripe.StripeConfiguration.ApiVersion,
        type,
        created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
        data = new { @object = resource },
    });

    static object Dispute(string status) => new
    {
        id = "dp_1", @object = "dispute", amount = 185000, charge = "ch_1", currency = "usd", payment_intent = "pi_rent", status, reason = "general",
    };

    [Fact]
    public async Task Should_pass_on_the_rent_charge_of_a_processing_intent()
    {
        await using var gateway = await GatewayHost.StartAsync();

        var response = await gateway.PostAsync("payments", Event("evt_processing", "payment_intent.processing", new
        {
            id = "pi_rent", @object = "payment_intent", amount = 185000, currency = "usd", metadata = Metadata, status = "processing",
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var processing = (await gateway.Published.SettledAsync<PaymentIntentProcessing>(TimeSpan.Zero)).ShouldHaveSingleItem();
        (processing.PaymentIntentId, processing.RentCharge, processing.LeaseId, processing.Amount).ShouldBe(("pi_rent", Charge, Lease, new Money(1850.00m, "USD")));
    }

    [Fact]
    public async Task Should_pass_on_a_refund_with_the_charges_refunded_total()
    {
        await using var gateway = await GatewayHost.StartAsync();

        var response = await gateway.PostAsync("payments", Event("evt_refunded", "charge.refunded", new
        {
            id = "ch_1", @object = "charge", amount = 185000, amount_refunded = 15000, currency = "usd", metadata = Metadata, payment_intent = "pi_rent",
            refunded = false, status = "succeeded",
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var refunded = (await gateway.Published.SettledAsync<PaymentChargeRefunded>(TimeSpan.Zero)).ShouldHaveSingleItem();
        (refunded.PaymentIntentId, refunded.ProviderChargeId, refunded.RentCharge, refunded.AmountRefunded)
            .ShouldBe(("pi_rent", "ch_1", Charge, new Money(150.00m, "USD")));
    }

    [Fact]
    public async Task Should_pass_on_a_dispute_opened_and_one_closed_won()
    {
        await using var gateway = await GatewayHost.StartAsync();

        (await gateway.PostAsync("payments", Event("evt_dispute_opened", "charge.dispute.created", Dispute("needs_response")))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gateway.PostAsync("payments", Event("evt_dispute_won", "charge.dispute.closed", Dispute("won")))).StatusCode.ShouldBe(HttpStatusCode.OK);

        var disputes = await gateway.Published.WaitForAsync<PaymentDisputeReported>(_ => true, count: 2);
        disputes.Select(d => (d.ProviderEventId, d.DisputeId, d.PaymentIntentId, d.Amount, d.Closed, d.Won)).ShouldBe(
        [
            ("evt_dispute_opened", "dp_1", "pi_rent", new Money(1850.00m, "USD"), false, false),
            ("evt_dispute_won", "dp_1", "pi_rent", new Money(1850.00m, "USD"), true, true),
        ], ignoreOrder: true);
    }

    [Fact]
    public async Task Should_keep_a_dispute_without_a_payment_intent_as_unmatched_and_answer_200()
    {
        await using var gateway = await GatewayHost.StartAsync();

        var response = await gateway.PostAsync("payments", Event("evt_dispute_bare", "charge.dispute.created", new
        {
            id = "dp_2", @object = "dispute", amount = 185000, charge = "ch_1", currency = "usd", status = "needs_response",
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var discrepancy = (await gateway.Published.SettledAsync<ProviderEventDiscrepancyRecorded>()).ShouldHaveSingleItem();
        discrepancy.Kind.ShouldBe(DiscrepancyKinds.Unmatched);
        discrepancy.Reason.ShouldContain("data.object.payment_intent");
        discrepancy.ProviderReference.ShouldBe("dp_2");
        (await gateway.ReceiptCountAsync("payments")).ShouldBe(1);
        gateway.Published.Received.ShouldNotContain(message => message is PaymentDisputeReported);
    }
}
