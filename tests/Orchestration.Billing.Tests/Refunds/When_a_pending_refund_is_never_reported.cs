using Orchestration.Endpoints.Billing.Refunds;

namespace Orchestration.Billing.Tests.Refunds;

/// <summary>
/// A staff refund the gateway answered <c>pending</c> settles at the gateway, but its <c>charge.refunded</c> never reaches
/// Billing. Billing asks the gateway again by itself (<see cref="PendingRefundRecheck"/>): a refund that succeeded is
/// posted once, one that failed gives its amount back to the credit. On SQLite and on PostgreSQL.
/// </summary>
public abstract class When_a_pending_refund_is_never_reported(BillingHost host)
{
    // Asked about every second, as soon as it is pending.
    public static readonly Dictionary<string, string?> Settings = new()
    {
        ["Billing:Refunds:PendingRecheckInterval"] = "00:00:01",
        ["Billing:Refunds:PendingRecheckAfter"] = "00:00:00",
    };

    readonly RentCharges _rent = new(host);

    async Task<CreditRefundPart> PendingAsync(RentCharges.Charge charge, RefundLeaseCredit refund)
    {
        await _rent.GatewayAsync("_sim/payment_rules", new("metadata[lease_id]", charge.LeaseId.ToString()), new("refunds", "pending"));
        (await host.SendAsync(refund)).ShouldBeNull();
        var part = (await host.CreditRefundPartsAsync(refund.RefundId)).ShouldHaveSingleItem();
        part.Status.ShouldBe(CreditRefundPartStatus.Pending);
        return part;
    }

    [Fact]
    public async Task Should_post_the_refund_once_the_gateway_says_it_succeeded()
    {
        var charge = await _rent.OverpaidAsync();
        var refund = RentCharges.CreditRefund(charge.LeaseId, 150.00m);
        var part = await PendingAsync(charge, refund);

        // Asked while still pending: nothing changes.
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await host.CreditRefundPartsAsync(refund.RefundId)).ShouldHaveSingleItem().Status.ShouldBe(CreditRefundPartStatus.Pending);
        (await host.LedgerAsync(charge.LeaseId)).ShouldNotContain(e => e.Kind == LedgerEntryKind.Refund);

        await _rent.GatewayAsync($"_sim/refunds/{part.GatewayRefundId}/settle?outcome=succeeded");

        await Eventually.HoldsAsync(async () => await host.BalanceAsync(charge.LeaseId) == -50.00m, TimeSpan.FromSeconds(20),
            "the refund is posted without the gateway's report");
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await host.LedgerAsync(charge.LeaseId)).Where(e => e.Kind == LedgerEntryKind.Refund).Select(e => e.Amount.Amount).ShouldBe([150.00m]);
        (await host.CreditRefundPartsAsync(refund.RefundId)).ShouldHaveSingleItem().Status.ShouldBe(CreditRefundPartStatus.Succeeded);
    }

    [Fact]
    public async Task Should_give_the_credit_back_once_the_gateway_says_it_failed()
    {
        var charge = await _rent.OverpaidAsync();
        var part = await PendingAsync(charge, RentCharges.CreditRefund(charge.LeaseId, 150.00m));

        await _rent.GatewayAsync($"_sim/refunds/{part.GatewayRefundId}/settle?outcome=failed");

        await Eventually.HoldsAsync(async () => (await host.CreditRefundPartsAsync(part.RefundId)).Single().Status == CreditRefundPartStatus.Failed,
            TimeSpan.FromSeconds(20), "the failure is recorded without the gateway's report");
        (await host.SendAsync(RentCharges.CreditRefund(charge.LeaseId, 200.00m))).ShouldBeNull("the failed refund's amount is credit again");
        (await host.LedgerAsync(charge.LeaseId)).ShouldNotContain(e => e.Kind == LedgerEntryKind.Refund);
    }
}

public sealed class RecheckingBillingFixture() : HostFixture<BillingHost>(() => BillingHost.StartAsync(When_a_pending_refund_is_never_reported.Settings));

public sealed class RecheckingPostgresBillingFixture()
    : HostFixture<BillingHost>(() => BillingHost.StartOnPostgresAsync(When_a_pending_refund_is_never_reported.Settings));

public sealed class When_a_pending_refund_is_never_reported_on_sqlite(RecheckingBillingFixture fixture)
    : When_a_pending_refund_is_never_reported(fixture.Host), IClassFixture<RecheckingBillingFixture>;

public sealed class When_a_pending_refund_is_never_reported_on_postgres(RecheckingPostgresBillingFixture fixture)
    : When_a_pending_refund_is_never_reported(fixture.Host), IClassFixture<RecheckingPostgresBillingFixture>;
