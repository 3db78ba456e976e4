namespace Orchestration.Billing.Tests;

/// <summary>
/// The gateway charged, but its answer never reached Billing (the connection dropped on the way back). Stripe.net asks
/// again under the same idempotency key and gets the first answer back, so the tenant is charged once; with its retries
/// spent, the command fails as the gateway being unavailable, which the recoverability policy retries.
/// </summary>
public sealed class When_the_answer_to_a_charge_is_lost
{
    [Fact]
    public async Task Should_ask_again_under_the_same_key_and_charge_the_tenant_once()
    {
        await using var host = await BillingHost.StartAsync();
        var lease = new Leases();
        host.RightAfterTheCharge(lease, (_, _) => throw new HttpRequestException("The connection was reset on the way back."));

        (await host.SendAsync(lease.RequestMoveInFunds())).ShouldBeNull();

        var payment = (await host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull();
        payment.IntentStatus.ShouldBe("succeeded");
        payment.Amount.ShouldBe(370000);
        (await host.EventsAsync("payment_intent.succeeded", lease.LeaseId.ToString())).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_fail_as_unavailable_once_stripe_nets_retries_are_spent()
    {
        await using var host = await BillingHost.StartAsync(new Dictionary<string, string?> { ["Billing:Payments:MaxNetworkRetries"] = "0" });
        var lease = new Leases();
        host.RightAfterTheCharge(lease, (_, _) => throw new HttpRequestException("The connection was reset on the way back."));

        (await host.SendAsync(lease.RequestMoveInFunds())).ShouldBeOfType<PaymentGatewayUnavailableException>();

        (await host.PaymentAsync(lease.FundsKey))?.PaymentIntentId.ShouldBeNull();
    }
}
