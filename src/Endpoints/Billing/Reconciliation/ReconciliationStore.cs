using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Messages.Billing;
using Orchestration.Messages.Reconciliation;

namespace Orchestration.Endpoints.Billing.Reconciliation;

/// <summary>A run as its report row records it; the counts are null until it has finished.</summary>
public sealed record ReconciliationRunRecord(Guid RunId, DateTimeOffset From, DateTimeOffset To, DateTimeOffset? FinishedAt, int? GatewayPayments,
    int? LedgerPayments, int? DiscrepancyCount, IReadOnlyList<ReconciliationDiscrepancy> Discrepancies);

/// <summary>The SQL of the reconciliation report; every method runs on the handler's <see cref="SqlSession"/>.</summary>
public sealed class ReconciliationStore(SqlStorage storage)
{
    readonly string _runs = storage.Table("reconciliation_runs");
    readonly string _discrepancies = storage.Table("reconciliation_discrepancies");
    readonly string _events = storage.Table("payment_event_discrepancies");

    /// <summary>Keeps a payment webhook event that moved nothing; the same event again changes nothing.</summary>
    public async Task RecordEventAsync(SqlSession session, string eventId, string eventType, string kind, string reason, string paymentIntentId,
        Guid? leaseId, Money amount, DateTimeOffset occurredAt, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_events} (event_id, event_type, kind, reason, payment_intent_id, lease_id, amount, currency, occurred_at)
            VALUES (@event_id, @event_type, @kind, @reason, @intent, @lease, @amount, @currency, @occurred_at)
            ON CONFLICT (event_id) DO NOTHING
            """)
            .With("@event_id", eventId).With("@event_type", eventType).With("@kind", kind).With("@reason", reason).With("@intent", paymentIntentId)
            .With("@lease", leaseId).With("@amount", Minor(amount)).With("@currency", amount.Currency)
            .With("@occurred_at", occurredAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The webhook events of [<paramref name="from"/>, <paramref name="to"/>) that named nothing Billing asked for.</summary>
    public async Task<IReadOnlyList<ReconciliationDiscrepancy>> UnmatchedEventsAsync(SqlSession session, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT event_id, reason, payment_intent_id, lease_id, amount, currency FROM {_events}
            WHERE kind = @kind AND occurred_at >= @from AND occurred_at < @to
            ORDER BY occurred_at, event_id
            """).With("@kind", DiscrepancyKinds.Unmatched).With("@from", from.ToUnixTimeMilliseconds()).With("@to", to.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<ReconciliationDiscrepancy>();
        while (await reader.ReadAsync(cancellationToken))
        {
            events.Add(new ReconciliationDiscrepancy
            {
                Kind = ReconciliationDiscrepancyKinds.UnmatchedWebhookEvent,
                ProviderEventId = reader.GetString(0),
                Reason = reader.GetString(1),
                PaymentIntentId = reader.GetString(2),
                LeaseId = reader.GetNullableGuid(3),
                Gateway = LedgerAmounts.FromMinor(reader.GetInt64(4), reader.GetString(5)),
            });
        }

        return events;
    }

    /// <summary>Creates the run's row unless it exists; true while the run has not finished (the command is this run's to carry out).</summary>
    public async Task<bool> StartAsync(SqlSession session, StartReconciliationRun run, long now, CancellationToken cancellationToken)
    {
        await using (var insert = session.CreateCommand($"""
            INSERT INTO {_runs} (run_id, range_from, range_to, requested_at, started_at) VALUES (@run_id, @from, @to, @requested_at, @now)
            ON CONFLICT (run_id) DO NOTHING
            """).With("@run_id", run.RunId).With("@from", run.From.ToUnixTimeMilliseconds()).With("@to", run.To.ToUnixTimeMilliseconds())
            .With("@requested_at", run.RequestedAt.ToUnixTimeMilliseconds()).With("@now", now))
        {
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var select = session.CreateCommand($"SELECT finished_at FROM {_runs} WHERE run_id = @run_id").With("@run_id", run.RunId);
        return await select.ExecuteScalarAsync(cancellationToken) is null or DBNull;
    }

    /// <summary>
    /// Writes the report with the commit that marks the command handled. A copy of the command that finished the run
    /// meanwhile makes this one fail and roll back, so the run is reported (and announced) once.
    /// </summary>
    public void Finish(SqlSession session, ReconciliationRunFinished report)
    {
        foreach (var (discrepancy, position) in report.Discrepancies.Select((d, i) => (d, i)))
        {
            session.Defer($"""
                INSERT INTO {_discrepancies} (run_id, position, kind, payment_intent_id, charge_id, lease_id, ledger_entry_id, gateway_amount,
                    gateway_currency, ledger_amount, ledger_currency, provider_event_id, reason)
                VALUES (@run_id, @position, @kind, @intent, @charge, @lease, @entry, @gateway_amount, @gateway_currency, @ledger_amount, @ledger_currency,
                    @event_id, @reason)
                """)
                .With("@run_id", report.RunId).With("@position", position).With("@kind", discrepancy.Kind).With("@intent", discrepancy.PaymentIntentId)
                .With("@charge", discrepancy.ChargeId).With("@lease", discrepancy.LeaseId).With("@entry", discrepancy.LedgerEntryId)
                .With("@gateway_amount", Minor(discrepancy.Gateway)).With("@gateway_currency", discrepancy.Gateway?.Currency)
                .With("@ledger_amount", Minor(discrepancy.Ledger)).With("@ledger_currency", discrepancy.Ledger?.Currency)
                .With("@event_id", discrepancy.ProviderEventId).With("@reason", discrepancy.Reason);
        }

        session.Defer($"""
            UPDATE {_runs} SET finished_at = @finished_at, gateway_payments = @gateway, ledger_payments = @ledger, discrepancy_count = @count
            WHERE run_id = @run_id AND finished_at IS NULL
            """, affected =>
            {
                if (affected != 1)
                    throw new InvalidOperationException($"Reconciliation run {report.RunId} was finished by another copy of its command meanwhile.");
            })
            .With("@run_id", report.RunId).With("@finished_at", report.FinishedAt.ToUnixTimeMilliseconds()).With("@gateway", report.GatewayPayments)
            .With("@ledger", report.LedgerPayments).With("@count", report.DiscrepancyCount);
    }

    public async Task<ReconciliationRunRecord?> FindAsync(SqlSession session, Guid runId, CancellationToken cancellationToken)
    {
        ReconciliationRunRecord run;
        await using (var select = session.CreateCommand($"""
            SELECT range_from, range_to, finished_at, gateway_payments, ledger_payments, discrepancy_count FROM {_runs} WHERE run_id = @run_id
            """).With("@run_id", runId))
        {
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
                return null;
            run = new ReconciliationRunRecord(runId, DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                reader.GetNullableInt64(2) is { } finished ? DateTimeOffset.FromUnixTimeMilliseconds(finished) : null,
                (int?)reader.GetNullableInt64(3), (int?)reader.GetNullableInt64(4), (int?)reader.GetNullableInt64(5), []);
        }

        await using var items = session.CreateCommand($"""
            SELECT kind, payment_intent_id, charge_id, lease_id, ledger_entry_id, gateway_amount, gateway_currency, ledger_amount, ledger_currency,
                provider_event_id, reason
            FROM {_discrepancies} WHERE run_id = @run_id ORDER BY position
            """).With("@run_id", runId);
        await using var rows = await items.ExecuteReaderAsync(cancellationToken);
        var found = new List<ReconciliationDiscrepancy>();
        while (await rows.ReadAsync(cancellationToken))
        {
            found.Add(new ReconciliationDiscrepancy
            {
                Kind = rows.GetString(0),
                PaymentIntentId = rows.IsDBNull(1) ? null : rows.GetString(1),
                ChargeId = rows.GetNullableGuid(2),
                LeaseId = rows.GetNullableGuid(3),
                LedgerEntryId = rows.GetNullableGuid(4),
                Gateway = rows.GetNullableInt64(5) is { } gateway ? LedgerAmounts.FromMinor(gateway, rows.GetString(6)) : null,
                Ledger = rows.GetNullableInt64(7) is { } ledger ? LedgerAmounts.FromMinor(ledger, rows.GetString(8)) : null,
                ProviderEventId = rows.IsDBNull(9) ? null : rows.GetString(9),
                Reason = rows.IsDBNull(10) ? null : rows.GetString(10),
            });
        }

        return run with { Discrepancies = found };
    }

    static long? Minor(Money? money) => money is null ? null : decimal.ToInt64(money.Amount * 100m);
}
