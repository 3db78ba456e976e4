using MassTransit;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Endpoints.Billing.Payments;
using Orchestration.Endpoints.Billing.Rent;
using Orchestration.Messages.Billing;
using Orchestration.Messages.Notifications;

namespace Orchestration.Endpoints.Billing.Reconciliation;

/// <summary>
/// Compares the gateway's rent payments created in the run's range with the ledger and writes the report
/// (<see cref="ReconciliationStore"/>), announced by <see cref="ReconciliationRunFinished"/>. Both directions are
/// checked: every gateway payment of the range against its ledger entries, and every ledger payment entry of the range
/// against the gateway, where a payment made in the range for an intent created before it (a bank debit that settled
/// days later, an invoice paid late) is found through the intent the gateway's events named for its charge. The payment
/// webhook events of the range that named nothing Billing asked for are reported too. A run that finds anything emails
/// the configured accountants. A run that has finished runs no more, however often its command arrives.
/// </summary>
public sealed class StartReconciliationRunConsumer(SqlSession session, ReconciliationStore reports, LedgerStore ledger, RentStore rent,
    PaymentGatewayClient gateway, IOptions<ReconciliationOptions> options, TimeProvider time, ILogger<StartReconciliationRunConsumer> logger)
    : IConsumer<StartReconciliationRun>
{
    public async Task Consume(ConsumeContext<StartReconciliationRun> context)
    {
        var run = context.Message;
        var cancellationToken = context.CancellationToken;
        if (run.To <= run.From || run.To - run.From > ReconciliationLimits.MaxRange)
            throw new InvalidReconciliationRangeException($"Reconciliation run {run.RunId}: [{run.From:O}, {run.To:O}) is not a range of at most {ReconciliationLimits.MaxRange.TotalDays} days.");

        if (!await session.StepAsync(ct => reports.StartAsync(session, run, time.GetUtcNow().ToUnixTimeMilliseconds(), ct), cancellationToken))
        {
            logger.LogInformation("Reconciliation run {RunId} has finished already; nothing to do", run.RunId);
            return;
        }

        var listed = await gateway.ListAsync(run.From, run.To, cancellationToken);
        var payments = listed.Select(intent => (Intent: intent, Charge: RentReconciliation.ChargeOf(intent)))
            .Where(p => p.Charge is not null)
            .Select(p => (p.Intent, Charge: p.Charge!.Value))
            .ToList();
        var (entries, ledgerPayments, unmatchedEvents, refused) = await session.ReadStepAsync(async ct => (
            await ledger.FindAsync(session, [.. payments.SelectMany(p => Entries(p.Charge, p.Intent.Id))], ct),
            await ledger.ChargePaymentsAsync(session, run.From, run.To, ct),
            await reports.UnmatchedEventsAsync(session, run.From, run.To, ct),
            await rent.RefusedAsync(session, [.. payments.Select(p => p.Intent.Id)], ct)), cancellationToken);
        // A payment a full-payment-only lease refused is in no ledger by design: it was given back, not applied.
        payments.RemoveAll(p => refused.Contains(p.Intent.Id));

        var discrepancies = payments
            .Select(p => RentReconciliation.Compare(p.Intent, p.Charge, entries.GetValueOrDefault(RentReconciliation.PaymentEntry(p.Charge, p.Intent.Id)),
                entries.GetValueOrDefault(RentReconciliation.ReversalEntry(p.Charge, p.Intent.Id))))
            .OfType<ReconciliationDiscrepancy>()
            .ToList();

        var matched = payments.Select(p => RentReconciliation.PaymentEntry(p.Charge, p.Intent.Id)).ToHashSet();
        var unmatched = ledgerPayments.Where(entry => !matched.Contains(entry.EntryId)).ToList();
        if (unmatched.Count > 0)
            discrepancies.AddRange(await OlderPaymentsAsync(unmatched, cancellationToken));
        discrepancies.AddRange(unmatchedEvents);

        var report = new ReconciliationRunFinished
        {
            RunId = run.RunId,
            From = run.From,
            To = run.To,
            GatewayPayments = payments.Count(p => p.Intent.AmountReceived > 0),
            LedgerPayments = ledgerPayments.Count,
            DiscrepancyCount = discrepancies.Count,
            Discrepancies = discrepancies.Take(ReconciliationLimits.MaxReported).ToList(),
            FinishedAt = time.GetUtcNow(),
        };
        reports.Finish(session, report);
        await context.Publish(report, cancellationToken);
        if (report.DiscrepancyCount > 0 && options.Value.AccountantEmails.Count > 0)
            await TellAccountantsAsync(context, report);
        logger.LogInformation("Reconciliation run {RunId} compared {GatewayPayments} gateway payments and {LedgerPayments} ledger payments: {Discrepancies} discrepancies",
            run.RunId, report.GatewayPayments, report.LedgerPayments, report.DiscrepancyCount);
    }

    /// <summary>
    /// Ledger payments of the range whose intent was not created in it: each is looked up through the intents the
    /// gateway's events named for its charge, then at the gateway itself.
    /// </summary>
    async Task<List<ReconciliationDiscrepancy>> OlderPaymentsAsync(List<LedgerEntry> unmatched, CancellationToken cancellationToken)
    {
        var named = await session.ReadStepAsync(ct => rent.IntentsOfChargesAsync(session, [.. unmatched.Select(e => e.ChargeId!.Value)], ct), cancellationToken);
        var intentOf = named.ToDictionary(n => RentReconciliation.PaymentEntry(n.ChargeId, n.IntentId), n => n.IntentId);

        var found = new List<(LedgerEntry Payment, string? IntentId, ListedPaymentIntent? Intent)>();
        foreach (var payment in unmatched)
        {
            var intentId = intentOf.GetValueOrDefault(payment.EntryId);
            found.Add((payment, intentId, intentId is null ? null : await gateway.FindAsync(intentId, cancellationToken)));
        }

        var reversals = await session.ReadStepAsync(ct => ledger.FindAsync(session,
            [.. found.Where(f => f.Intent is not null).Select(f => RentReconciliation.ReversalEntry(f.Payment.ChargeId!.Value, f.IntentId!))], ct),
            cancellationToken);
        return found
            .Select(f => f.Intent is null
                ? RentReconciliation.MissingAtGateway(f.Payment, f.IntentId)
                : RentReconciliation.Compare(f.Intent, f.Payment.ChargeId!.Value, f.Payment,
                    reversals.GetValueOrDefault(RentReconciliation.ReversalEntry(f.Payment.ChargeId!.Value, f.IntentId!))))
            .OfType<ReconciliationDiscrepancy>()
            .ToList();
    }

    /// <summary>One alert per run (its id is the run's), so a repeated command is the same email.</summary>
    async Task TellAccountantsAsync(ConsumeContext context, ReconciliationRunFinished report)
    {
        var byKind = string.Join(", ", report.Discrepancies.GroupBy(d => d.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Count()} {g.Key}"));
        var notifications = await context.GetSendEndpoint(new Uri($"queue:{CommandRoutes.Notifications}"));
        await notifications.Send(new SendOperatorAlert
        {
            AlertId = report.RunId,
            Kind = "reconciliation-discrepancies",
            Recipients = options.Value.AccountantEmails,
            Subject = $"Reconciliation found {report.DiscrepancyCount} discrepancies ({report.From:yyyy-MM-dd} to {report.To.AddTicks(-1):yyyy-MM-dd})",
            Text = $"""
                Reconciliation run {report.RunId} compared {report.GatewayPayments} gateway payments with {report.LedgerPayments} ledger payments
                from {report.From:u} to {report.To:u} and found {report.DiscrepancyCount} discrepancies: {byKind}.
                The report is at GET /api/reconciliations/{report.RunId}.
                """,
            RaisedAt = report.FinishedAt,
        }, context.CancellationToken);
    }

    static IEnumerable<Guid> Entries(Guid chargeId, string intentId) =>
        [RentReconciliation.PaymentEntry(chargeId, intentId), RentReconciliation.ReversalEntry(chargeId, intentId)];
}

/// <summary>A run's range is empty, reversed or longer than a run may compare; no retry can change it.</summary>
public sealed class InvalidReconciliationRangeException(string message) : Exception(message);
