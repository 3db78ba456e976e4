using System.Diagnostics;

namespace Orchestration.Billing.Tests;

/// <summary>
/// The payment gateway takes seconds to answer a charge (Stripe can, under load): everything else Billing does meanwhile,
/// in the same database, goes on at its own pace. On SQLite (the standalone mode, one write lock for the whole
/// database) and on PostgreSQL (row locks), against the gateway simulator.
/// </summary>
public abstract class When_the_gateway_answers_slowly(BillingHost host)
{
    static readonly TimeSpan GatewayAnswer = TimeSpan.FromSeconds(6);
    static readonly TimeSpan Prompt = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Should_handle_another_leases_command_and_reads_while_the_charge_waits()
    {
        var slow = new Leases();
        var other = new Leases();
        var onItsWay = host.ChargeAnsweredSlowly(slow, GatewayAnswer);
        var charged = host.SendAsync(slow.RequestMoveInFunds());
        await onItsWay;

        var clock = Stopwatch.StartNew();
        (await host.SendAsync(other.CancelMoveInFundsRequest())).ShouldBeNull();
        var committed = clock.Elapsed;
        await host.PaymentAsReadAsync(slow.FundsKey);
        (await host.PaymentAsync(other.FundsKey)).ShouldNotBeNull().CancelOutcome.ShouldBe(CancelOutcomes.NotCharged);
        var read = clock.Elapsed;

        committed.ShouldBeLessThan(Prompt, "another command commits while the gateway answers");
        read.ShouldBeLessThan(Prompt, "reads answer while the gateway answers");
        charged.IsCompleted.ShouldBeFalse("the gateway is still answering");
        (await charged).ShouldBeNull();
        (await host.PaymentAsync(slow.FundsKey)).ShouldNotBeNull().PaymentIntentId.ShouldNotBeNull();
    }

    [Fact]
    public async Task Should_take_the_cancellation_of_the_request_being_charged_at_once_and_refund_the_charge_once_made()
    {
        var lease = new Leases();
        var onItsWay = host.ChargeAnsweredSlowly(lease, GatewayAnswer);
        var charged = host.SendAsync(lease.RequestMoveInFunds());
        await onItsWay;

        var clock = Stopwatch.StartNew();
        (await host.SendAsync(lease.CancelMoveInFundsRequest())).ShouldBeNull();
        var cancelled = clock.Elapsed;

        cancelled.ShouldBeLessThan(Prompt, "the cancellation waits for no lock the charge holds");
        charged.IsCompleted.ShouldBeFalse("the gateway is still answering");
        (await charged).ShouldBeNull();
        await Eventually.HoldsAsync(async () => (await host.PaymentAsync(lease.FundsKey))?.CancelOutcome is not null, TimeSpan.FromSeconds(10),
            "the cancellation is carried out once the charge is recorded");
        var payment = (await host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull();
        payment.CancelOutcome.ShouldBe(CancelOutcomes.Refunded);
        var intentId = payment.PaymentIntentId.ShouldNotBeNull();
        (await host.RefundAsync($"{lease.FundsKey}-refund")).ShouldNotBeNull().Amount.ShouldBe(370000);
        await Task.Delay(300);
        (await host.EventsAsync("charge.refunded", intentId)).Count.ShouldBe(1);
    }
}
