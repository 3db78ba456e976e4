using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Endpoints.Gateway.Webhooks;

namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>
/// Rent charges on autopay as a rent run posts them, collected through the payment gateway simulator, and the gateway's
/// webhooks for them read as the Gateway reads them (<see cref="PaymentEvents.Read"/>, Stripe.net's models).
/// </summary>
public sealed class RentCharges(BillingHost host)
{
    public sealed record Charge(Guid LeaseId, Guid ChargeId, string Period);

    /// <summary>A new lease of <paramref name="rent"/> a month and its charge for a period in the future (not late).</summary>
    public async Task<Charge> PostedAsync(decimal rent, bool withContact = true)
    {
        // A month of its own, far ahead, and a lease in force in that month only: no other test's run charges it.
        var month = FarMonths.Next();
        var period = month.ToString("yyyy-MM", System.Globalization.CultureInfo.InvariantCulture);
        var leaseId = NewId.NextGuid();
        (await host.PublishAsync(new LeaseActivated
        {
            LeaseId = leaseId, PropertyId = NewId.NextGuid(), UnitId = NewId.NextGuid(), TenantId = NewId.NextGuid(),
            MonthlyRent = Money.Of(rent, "USD"), SecurityDeposit = Money.Of(rent, "USD"), LeaseStart = month,
            LeaseEnd = month.AddMonths(1).AddDays(-1), ActivatedAt = DateTimeOffset.UtcNow,
            TenantName = withContact ? "Ada Lovelace" : null, TenantEmail = withContact ? "ada@example.com" : null,
        }, BillingExtensions.LeasesQueue)).ShouldBeNull();

        (await host.SendAsync(new StartRentRun { RentRunId = NewId.NextGuid(), Period = period, RequestedAt = DateTimeOffset.UtcNow })).ShouldBeNull();
        var chargeId = RentIds.Charge(leaseId, period);
        await host.Published.WaitForAsync<RentChargePosted>(e => e.ChargeId == chargeId);
        return new Charge(leaseId, chargeId, period);
    }

    /// <summary>A charge of 1000.00 paid by autopay, then 200.00 more at the gateway: a credit of 200.00.</summary>
    public async Task<Charge> OverpaidAsync()
    {
        var charge = await PostedAsync(1000.00m);
        await DeliverAsync(await WebhookAsync("payment_intent.succeeded", charge.ChargeId.ToString()));
        var intent = await GatewayAsync("v1/payment_intents", new("amount", "20000"), new("currency", "usd"), new("confirm", "true"),
            new("payment_method", "pm_card_visa"), new("metadata[lease_id]", charge.LeaseId.ToString()),
            new("metadata[rent_charge]", charge.ChargeId.ToString()));
        var extra = intent.GetProperty("id").GetString()!;
        await DeliverAsync(await WebhookAsync("payment_intent.succeeded", extra));
        await Eventually.HoldsAsync(async () => await host.BalanceAsync(charge.LeaseId) == -200.00m, TimeSpan.FromSeconds(20), "the lease holds a credit");
        return charge;
    }

    /// <summary>Staff's request to refund <paramref name="amount"/> USD of the lease's credit.</summary>
    public static RefundLeaseCredit CreditRefund(Guid leaseId, decimal amount) => new()
    {
        RefundId = NewId.NextGuid(), LeaseId = leaseId, Amount = Money.Of(amount, "USD"), Reason = "Overpaid rent", RequestedBy = "accountant",
        RequestedAt = DateTimeOffset.UtcNow,
    };

    /// <summary>The gateway's webhook of <paramref name="type"/> about the charge (its <paramref name="index"/>-th), once it has sent it.</summary>
    public async Task<object> WebhookAsync(string type, string mentioning, int index = 0)
    {
        List<JsonElement> events = [];
        await Eventually.HoldsAsync(async () => (events = await host.EventsAsync(type, mentioning)).Count > index, TimeSpan.FromSeconds(20),
            $"the gateway sent {type} about {mentioning}");
        var body = Encoding.UTF8.GetBytes(events[index].GetProperty("payload").GetRawText());
        return PaymentEvents.Read(body, DateTimeOffset.UtcNow).DomainEvent.ShouldNotBeNull();
    }

    /// <summary>The intent that autopay created for the charge.</summary>
    public async Task<string> IntentAsync(Charge charge, string type = "payment_intent.succeeded") =>
        await WebhookAsync(type, charge.ChargeId.ToString()) switch
        {
            PaymentIntentSucceeded paid => paid.PaymentIntentId,
            PaymentIntentFailed failed => failed.PaymentIntentId,
            PaymentIntentProcessing processing => processing.PaymentIntentId,
            var other => throw new InvalidOperationException($"{other.GetType().Name} names no intent of its own."),
        };

    /// <summary>Delivers a webhook's message to Billing <paramref name="times"/> times, each as a message of its own.</summary>
    public async Task DeliverAsync(object message, int times = 1)
    {
        for (var i = 0; i < times; i++)
            (await host.ReportAsync(message)).ShouldBeNull();
    }

    /// <summary>Posts to one of the gateway simulator's controls or API routes.</summary>
    public async Task<JsonElement> GatewayAsync(string path, params KeyValuePair<string, string>[] form)
    {
        using var gateway = host.Gateway();
        gateway.DefaultRequestHeaders.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        using var content = new FormUrlEncodedContent(form);
        using var response = await gateway.PostAsync(path, content);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>The lease's ledger once it has held still for a moment, as (kind, amount) pairs.</summary>
    public async Task<List<(LedgerEntryKind Kind, decimal Amount)>> SettledLedgerAsync(Guid leaseId, int atLeast)
    {
        IReadOnlyList<LedgerEntry> entries = [];
        await Eventually.HoldsAsync(async () => (entries = await host.LedgerAsync(leaseId)).Count >= atLeast, TimeSpan.FromSeconds(20),
            $"the ledger has {atLeast} entries");
        await Task.Delay(TimeSpan.FromSeconds(1));
        return [.. (await host.LedgerAsync(leaseId)).Select(e => (e.Kind, e.Amount.Amount))];
    }
}
