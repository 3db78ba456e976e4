using MassTransit;
using Orchestration.Endpoints.Billing.Reconciliation;

namespace Orchestration.Billing.Tests.Reconciliation;

/// <summary>A reconciliation run compares the payment simulator's list of intents with the ledger; on SQLite and on PostgreSQL.</summary>
public abstract class When_payments_are_reconciled(BillingHost host)
{
    readonly BillingHost _host = host;
    readonly RentCharges _rent = new(host);

    [Fact]
    public async Task Should_report_exactly_the_payments_the_two_sides_disagree_on_once()
    {
        // Paid at the gateway before the range; its payment reaches the ledger inside it (as a bank debit that settles later).
        var settledLater = await _rent.PostedAsync(1100.00m);
        var settledLaterPaid = (PaymentIntentSucceeded)await _rent.WebhookAsync("payment_intent.succeeded", settledLater.ChargeId.ToString());
        var from = NextWholeSecond(DateTimeOffset.UtcNow);
        await Eventually.HoldsAsync(() => Task.FromResult(DateTimeOffset.UtcNow >= from), TimeSpan.FromSeconds(5), "the range has begun");

        var agreed = await _rent.PostedAsync(1850.00m);
        var withheld = await _rent.PostedAsync(1200.00m);
        var returned = await _rent.PostedAsync(1400.00m);
        var misrecorded = await _rent.PostedAsync(1300.00m);
        await _rent.DeliverAsync(await _rent.WebhookAsync("payment_intent.succeeded", agreed.ChargeId.ToString()));
        var returnedPaid = (PaymentIntentSucceeded)await _rent.WebhookAsync("payment_intent.succeeded", returned.ChargeId.ToString());
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await _rent.GatewayAsync($"_sim/payment_intents/{returnedPaid.PaymentIntentId}/return");
        await _rent.DeliverAsync(returnedPaid);
        await _rent.DeliverAsync(await _rent.WebhookAsync("payment_intent.payment_failed", returnedPaid.PaymentIntentId));
        await _rent.DeliverAsync(settledLaterPaid with { OccurredAt = DateTimeOffset.UtcNow });
        var withheldIntent = await _rent.IntentAsync(withheld);
        var misrecordedIntent = await _rent.IntentAsync(misrecorded);
        (await _host.SendAsync(Payment(misrecorded, RentReconciliation.PaymentEntry(misrecorded.ChargeId, misrecordedIntent), 100.00m))).ShouldBeNull();
        var unknown = Payment(new RentCharges.Charge(NewId.NextGuid(), NewId.NextGuid(), "2030-01"), NewId.NextGuid(), 75.00m);
        (await _host.SendAsync(unknown)).ShouldBeNull();
        // A webhook event about an intent Billing never asked for: it moves nothing and is reported.
        var stranger = new Leases().Succeeded($"pi_stranger_{NewId.NextGuid():N}", 42.00m, withOurMetadata: false);
        (await _host.ReportAsync(stranger)).ShouldBeNull();
        (await _host.ReportAsync(stranger)).ShouldBeNull();
        await LedgerHoldsAsync(agreed, 2);
        await LedgerHoldsAsync(returned, 4);
        await LedgerHoldsAsync(settledLater, 2);
        var run = new StartReconciliationRun { RunId = NewId.NextGuid(), From = from, To = DateTimeOffset.UtcNow.AddSeconds(2), RequestedAt = DateTimeOffset.UtcNow };

        (await _host.SendAsync(run)).ShouldBeNull();
        (await _host.SendAsync(run)).ShouldBeNull();

        var report = (await _host.Published.WaitForAsync<ReconciliationRunFinished>(r => r.RunId == run.RunId)).ShouldHaveSingleItem();
        report.GatewayPayments.ShouldBe(3, "the agreed, the withheld and the misrecorded payment; the returned one holds nothing");
        report.LedgerPayments.ShouldBe(5);
        report.Discrepancies.Select(d => (d.Kind, d.PaymentIntentId, d.LedgerEntryId, d.Gateway?.Amount, d.Ledger?.Amount)).ShouldBe(
        [
            (ReconciliationDiscrepancyKinds.MissingInLedger, withheldIntent, RentReconciliation.PaymentEntry(withheld.ChargeId, withheldIntent), 1200.00m, null),
            (ReconciliationDiscrepancyKinds.AmountMismatch, misrecordedIntent, RentReconciliation.PaymentEntry(misrecorded.ChargeId, misrecordedIntent), 1300.00m,
                100.00m),
            (ReconciliationDiscrepancyKinds.MissingAtGateway, null, unknown.EntryId, null, 75.00m),
            (ReconciliationDiscrepancyKinds.UnmatchedWebhookEvent, stranger.PaymentIntentId, null, 42.00m, null),
        ], ignoreOrder: true);
        report.Discrepancies.Single(d => d.Kind == ReconciliationDiscrepancyKinds.UnmatchedWebhookEvent).ProviderEventId.ShouldBe(stranger.ProviderEventId);
        report.DiscrepancyCount.ShouldBe(4);
        var stored = (await _host.ReconciliationRunAsync(run.RunId)).ShouldNotBeNull();
        stored.FinishedAt.ShouldNotBeNull();
        stored.Discrepancies.ShouldBe(report.Discrepancies);
        (await _host.Published.SettledAsync<ReconciliationRunFinished>(TimeSpan.FromMilliseconds(500))).Where(r => r.RunId == run.RunId)
            .ShouldHaveSingleItem("a repeated run reports nothing again");
        var alert = (await _host.Published.WaitForAsync<SendOperatorAlert>(a => a.AlertId == run.RunId)).ShouldHaveSingleItem();
        alert.Recipients.ShouldBe([ReconciliationHosts.Accountant]);
        alert.Subject.ShouldContain("4 discrepancies");
        alert.Text.ShouldContain($"/api/reconciliations/{run.RunId}");
    }

    [Fact]
    public async Task Should_email_no_one_when_the_two_sides_agree()
    {
        var from = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-40), TimeSpan.Zero);
        var run = new StartReconciliationRun { RunId = NewId.NextGuid(), From = from, To = from.AddDays(1), RequestedAt = DateTimeOffset.UtcNow };

        (await _host.SendAsync(run)).ShouldBeNull();

        (await _host.Published.WaitForAsync<ReconciliationRunFinished>(r => r.RunId == run.RunId)).ShouldHaveSingleItem().DiscrepancyCount.ShouldBe(0);
        // The alert would have gone out with the report, from the same handler.
        await _host.Published.SettledAsync<ReconciliationRunFinished>(TimeSpan.FromMilliseconds(500));
        _host.Published.All<SendOperatorAlert>(a => a.AlertId == run.RunId).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_leave_the_first_month_paid_with_the_move_in_funds_out_of_the_rent_payments()
    {
        // A day of its own, long past: what other tests pay falls outside it.
        var from = new DateTimeOffset(DateTime.UtcNow.Date.AddDays(-55), TimeSpan.Zero);
        var lease = new Leases();
        (await _host.SendAsync(lease.RequestMoveInFunds())).ShouldBeNull();
        var intentId = (await _host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull().PaymentIntentId.ShouldNotBeNull();
        (await _host.ReportAsync(lease.Succeeded(intentId, 3700.00m) with { OccurredAt = from.AddHours(12) })).ShouldBeNull();
        await _host.Published.WaitForAsync<LedgerEntryRecorded>(e => e.LeaseId == lease.LeaseId, count: 3);
        var run = new StartReconciliationRun { RunId = NewId.NextGuid(), From = from, To = from.AddDays(1), RequestedAt = DateTimeOffset.UtcNow };

        (await _host.SendAsync(run)).ShouldBeNull();

        var report = (await _host.Published.WaitForAsync<ReconciliationRunFinished>(r => r.RunId == run.RunId)).ShouldHaveSingleItem();
        report.LedgerPayments.ShouldBe(0, "the move-in payment is no rent payment of the gateway's list");
        report.DiscrepancyCount.ShouldBe(0);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(32)]
    public async Task Should_set_a_run_over_no_range_or_too_long_a_range_aside(int days)
    {
        var from = DateTimeOffset.UtcNow.AddDays(-40);
        var run = new StartReconciliationRun { RunId = NewId.NextGuid(), From = from, To = from.AddDays(days), RequestedAt = DateTimeOffset.UtcNow };

        (await _host.SendAsync(run)).ShouldBeOfType<InvalidReconciliationRangeException>();
        (await _host.ReconciliationRunAsync(run.RunId)).ShouldBeNull();
    }

    Task LedgerHoldsAsync(RentCharges.Charge charge, int entries) =>
        Eventually.HoldsAsync(async () => (await _host.LedgerAsync(charge.LeaseId)).Count >= entries, TimeSpan.FromSeconds(20),
            $"the ledger of lease {charge.LeaseId} has {entries} entries");

    static RecordLedgerEntry Payment(RentCharges.Charge charge, Guid entryId, decimal amount) => new()
    {
        EntryId = entryId,
        LeaseId = charge.LeaseId,
        ChargeId = charge.ChargeId,
        Kind = LedgerEntryKind.Payment,
        Amount = new Money(-amount, "USD"),
        OccurredAt = DateTimeOffset.UtcNow,
    };

    static DateTimeOffset NextWholeSecond(DateTimeOffset now) => DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds() + 1);
}
