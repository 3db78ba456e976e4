using System.Globalization;
using MassTransit;
using Orchestration.Endpoints.Billing.Refunds;

namespace Orchestration.Billing.Tests.Refunds;

/// <summary>
/// Staff refunds of one lease's credit that meet: two handled at once, or the gateway's <c>charge.refunded</c> arriving
/// before Billing has recorded the gateway's answer. The credit is checked and the refunded amount reserved in one step
/// per lease, so the credit is never paid back twice, and a refund is posted once whatever arrives first. On SQLite and
/// on PostgreSQL, against the payment gateway simulator.
/// </summary>
public abstract class When_staff_refunds_of_one_credit_meet(BillingHost host)
{
    readonly RentCharges _rent = new(host);

    protected Task<RentCharges.Charge> OverpaidAsync() => _rent.OverpaidAsync();

    protected static RefundLeaseCredit Refund(Guid leaseId, decimal amount) => RentCharges.CreditRefund(leaseId, amount);

    /// <summary>The lease's refund entries once its balance has reached <paramref name="balance"/>.</summary>
    protected async Task<List<decimal>> RefundsOnceTheBalanceIsAsync(Guid leaseId, decimal balance)
    {
        await Eventually.HoldsAsync(async () => await host.BalanceAsync(leaseId) == balance, TimeSpan.FromSeconds(20),
            $"the balance reaches {balance.ToString(CultureInfo.InvariantCulture)}");
        return [.. (await host.LedgerAsync(leaseId)).Where(e => e.Kind == LedgerEntryKind.Refund).Select(e => e.Amount.Amount)];
    }

    [Fact]
    public async Task Should_send_only_the_refund_the_credit_covers_and_refuse_the_other_with_its_reason()
    {
        var charge = await OverpaidAsync();
        var first = Refund(charge.LeaseId, 150.00m);
        var second = Refund(charge.LeaseId, 100.00m);
        Exception? secondOutcome = null;
        // The second refund is handled in full while the first one's call to the gateway is on its way.
        host.BeforeTheCreditRefund(first.RefundId, async _ => secondOutcome = await host.SendAsync(second));

        (await host.SendAsync(first)).ShouldBeNull();

        secondOutcome.ShouldBeOfType<InvalidLeaseCreditRefundException>().Message.ShouldContain("the credit is 50");
        var refused = (await host.CreditRefundAsync(second.RefundId)).ShouldNotBeNull();
        refused.Status.ShouldBe(CreditRefundStatus.Refused);
        refused.Reason.ShouldNotBeNull().ShouldContain("the credit is 50");
        (await host.CreditRefundAsync(first.RefundId)).ShouldNotBeNull().Status.ShouldBe(CreditRefundStatus.Accepted);
        (await RefundsOnceTheBalanceIsAsync(charge.LeaseId, -50.00m)).ShouldBe([150.00m]);
        (await host.GatewayRefundsAsync(charge.LeaseId)).ShouldBe(1, "one refund went to the gateway");
    }

    /// <summary>How many refunds of how much each are sent together: more than the credit holds.</summary>
    protected virtual (int Refunds, decimal Each) Together => (10, 30.00m);

    [Fact]
    public async Task Should_let_refunds_sent_together_take_no_more_than_the_credit()
    {
        var charge = await OverpaidAsync();
        var (count, each) = Together;
        var fit = (int)(200.00m / each);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => host.SendAsync(Refund(charge.LeaseId, each))));

        outcomes.Count(o => o is null).ShouldBe(fit, "only the refunds the credit of 200.00 covers are taken on");
        outcomes.Where(o => o is not null).ShouldAllBe(o => o is InvalidLeaseCreditRefundException);
        (await RefundsOnceTheBalanceIsAsync(charge.LeaseId, -200.00m + fit * each)).Count.ShouldBe(fit);
        (await host.GatewayRefundsAsync(charge.LeaseId)).ShouldBe(fit);
    }

    [Fact]
    public async Task Should_record_the_refund_once_when_charge_refunded_arrives_before_the_gateways_answer_is_recorded()
    {
        var charge = await OverpaidAsync();
        var refund = Refund(charge.LeaseId, 150.00m);
        host.AfterTheCreditRefund(refund.RefundId, async (_, _) =>
        {
            var refunded = await _rent.WebhookAsync("charge.refunded", charge.LeaseId.ToString());
            (await host.ReportAsync(refunded)).ShouldBeNull();
        });

        (await host.SendAsync(refund)).ShouldBeNull();

        (await RefundsOnceTheBalanceIsAsync(charge.LeaseId, -50.00m)).ShouldBe([150.00m]);
        await _rent.DeliverAsync(await _rent.WebhookAsync("charge.refunded", charge.LeaseId.ToString()), times: 2);
        (await _rent.SettledLedgerAsync(charge.LeaseId, 4)).Count(e => e.Kind == LedgerEntryKind.Refund).ShouldBe(1);
        (await host.BalanceAsync(charge.LeaseId)).ShouldBe(-50.00m);
        host.Published.All<RentPaymentRefunded>(e => e.ChargeId == charge.ChargeId).ShouldBeEmpty("the staff refund is no refund of the charge");
    }

    [Fact]
    public async Task Should_post_a_pending_refund_once_the_gateway_settles_it_and_keep_its_amount_reserved_meanwhile()
    {
        var charge = await OverpaidAsync();
        await _rent.GatewayAsync("_sim/payment_rules", new("metadata[lease_id]", charge.LeaseId.ToString()), new("refunds", "pending"));
        var refund = Refund(charge.LeaseId, 150.00m);

        (await host.SendAsync(refund)).ShouldBeNull();

        var made = (await host.CreditRefundPartsAsync(refund.RefundId)).ShouldHaveSingleItem();
        made.Status.ShouldBe("pending");
        (await host.LedgerAsync(charge.LeaseId)).ShouldNotContain(e => e.Kind == LedgerEntryKind.Refund);
        (await host.SendAsync(Refund(charge.LeaseId, 100.00m))).ShouldBeOfType<InvalidLeaseCreditRefundException>()
            .Message.ShouldContain("the credit is 50", customMessage: "the pending refund keeps its amount");

        await _rent.GatewayAsync($"_sim/refunds/{made.GatewayRefundId}/settle?outcome=succeeded");
        var settled = await _rent.WebhookAsync("charge.refunded", charge.LeaseId.ToString(), index: 1);
        await _rent.DeliverAsync(settled, times: 2);

        (await RefundsOnceTheBalanceIsAsync(charge.LeaseId, -50.00m)).ShouldBe([150.00m]);
        (await _rent.SettledLedgerAsync(charge.LeaseId, 4)).Count(e => e.Kind == LedgerEntryKind.Refund).ShouldBe(1);
    }

    [Fact]
    public async Task Should_post_a_refund_that_settled_before_its_pending_answer_was_recorded()
    {
        var charge = await OverpaidAsync();
        await _rent.GatewayAsync("_sim/payment_rules", new("metadata[lease_id]", charge.LeaseId.ToString()), new("refunds", "pending"));
        var refund = Refund(charge.LeaseId, 150.00m);
        host.AfterTheCreditRefund(refund.RefundId, async (answer, _) =>
        {
            answer.GetProperty("status").GetString().ShouldBe("pending");
            await _rent.GatewayAsync($"_sim/refunds/{answer.GetProperty("id").GetString()}/settle?outcome=succeeded");
            (await host.ReportAsync(await _rent.WebhookAsync("charge.refunded", charge.LeaseId.ToString(), index: 1))).ShouldBeNull();
        });

        (await host.SendAsync(refund)).ShouldBeNull();

        (await RefundsOnceTheBalanceIsAsync(charge.LeaseId, -50.00m)).ShouldBe([150.00m]);
        (await _rent.SettledLedgerAsync(charge.LeaseId, 4)).Count(e => e.Kind == LedgerEntryKind.Refund).ShouldBe(1);
    }

    [Fact]
    public async Task Should_release_the_credit_of_a_pending_refund_that_fails()
    {
        var charge = await OverpaidAsync();
        await _rent.GatewayAsync("_sim/payment_rules", new("metadata[lease_id]", charge.LeaseId.ToString()), new("refunds", "pending"));
        var refund = Refund(charge.LeaseId, 150.00m);
        (await host.SendAsync(refund)).ShouldBeNull();
        var made = (await host.CreditRefundPartsAsync(refund.RefundId)).ShouldHaveSingleItem();

        await _rent.GatewayAsync($"_sim/refunds/{made.GatewayRefundId}/settle?outcome=failed");
        await _rent.DeliverAsync(await _rent.WebhookAsync("charge.refunded", charge.LeaseId.ToString(), index: 1), times: 2);

        await Eventually.HoldsAsync(async () => (await host.SendAsync(Refund(charge.LeaseId, 200.00m))) is null, TimeSpan.FromSeconds(20),
            "the failed refund's amount is credit again");
        (await host.LedgerAsync(charge.LeaseId)).ShouldNotContain(e => e.Kind == LedgerEntryKind.Refund);
        (await host.BalanceAsync(charge.LeaseId)).ShouldBe(-200.00m);
        host.Published.All<RentPaymentRefunded>(e => e.ChargeId == charge.ChargeId).ShouldBeEmpty();
    }
}

[Collection(BillingCollection.Name)]
public sealed class When_staff_refunds_of_one_credit_meet_on_sqlite(BillingFixture fixture) : When_staff_refunds_of_one_credit_meet(fixture.Host)
{
    // One writer at a time on SQLite: a few refunds make the point, many only wait for the write lock.
    protected override (int Refunds, decimal Each) Together => (4, 60.00m);
}

public sealed class When_staff_refunds_of_one_credit_meet_on_postgres(PostgresBillingFixture fixture)
    : When_staff_refunds_of_one_credit_meet(fixture.Host), IClassFixture<PostgresBillingFixture>;
