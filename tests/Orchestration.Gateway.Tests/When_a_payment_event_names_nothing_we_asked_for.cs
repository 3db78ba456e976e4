namespace Orchestration.Gateway.Tests;

/// <summary>
/// A correctly signed payment event that the Gateway cannot place on a lease is still the provider's event: refusing it
/// would make Stripe retry it for days and then disable the endpoint. It is answered 200, kept, and passed on to Billing,
/// which records it as a discrepancy. Only a body that is not a payment event at all is refused.
/// </summary>
public sealed class When_a_payment_event_names_nothing_we_asked_for
{
    [Fact]
    public async Task Should_accept_keep_and_pass_on_an_intent_without_our_metadata()
    {
        await using var gateway = await GatewayHost.StartAsync();

        var response = await gateway.PostAsync("payments", ProviderPayloads.PaymentIntentEvent("evt_no_metadata", "payment_intent.succeeded", leaseId: null,
            amount: 1, intentId: "pi_foreign"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gateway.ReceiptCountAsync("payments")).ShouldBe(1);
        var passedOn = (await gateway.Published.SettledAsync<PaymentIntentSucceeded>(TimeSpan.Zero)).ShouldHaveSingleItem();
        passedOn.ProviderEventId.ShouldBe("evt_no_metadata");
        passedOn.PaymentIntentId.ShouldBe("pi_foreign");
        passedOn.LeaseId.ShouldBeNull();
        passedOn.Amount.ShouldBe(new Money(0.01m, "USD"));
    }

    [Fact]
    public async Task Should_accept_and_pass_on_a_payment_for_an_unknown_lease_in_its_own_currency_unit()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var unknownLease = Guid.NewGuid();

        var response = await gateway.PostAsync("payments", ProviderPayloads.PaymentIntentEvent("evt_unknown_lease", "payment_intent.succeeded", unknownLease,
            amount: 0, currency: "jpy", intentId: "pi_made_up"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var passedOn = (await gateway.Published.SettledAsync<PaymentIntentSucceeded>(TimeSpan.Zero)).ShouldHaveSingleItem();
        passedOn.LeaseId.ShouldBe(unknownLease);
        passedOn.Amount.ShouldBe(new Money(0m, "JPY"));
        gateway.Published.Received.OfType<MoveInFundsReceived>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_refuse_an_out_of_range_created_time_with_400_not_500()
    {
        await using var gateway = await GatewayHost.StartAsync();

        var response = await gateway.PostAsync("payments", ProviderPayloads.PaymentIntentEvent("evt_far_future", "payment_intent.succeeded", Guid.NewGuid(),
            amount: 370000, created: 99999999999999));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("created");
        (await gateway.ReceiptCountAsync("payments")).ShouldBe(0);
    }

    [Fact]
    public async Task Should_accept_and_pass_on_an_event_written_in_another_api_version()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var leaseId = Guid.NewGuid();

        var response = await gateway.PostAsync("payments", ProviderPayloads.PaymentIntentEvent("evt_older_version", "payment_intent.succeeded", leaseId,
            amount: 370000, apiVersion: "2024-06-20"));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var passedOn = (await gateway.Published.SettledAsync<PaymentIntentSucceeded>(TimeSpan.Zero)).ShouldHaveSingleItem();
        passedOn.LeaseId.ShouldBe(leaseId);
        passedOn.Amount.ShouldBe(new Money(3700.00m, "USD"));
    }
}
