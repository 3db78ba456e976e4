using System.Text.Json;
using Dapper;
using MassTransit;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Gateway.Reconciliation;

/// <summary>A reconciliation run as staff see it: running until Billing reports it finished, then its counts and differences.</summary>
public sealed record ReconciliationRunRecord(
    Guid RunId, DateTimeOffset From, DateTimeOffset To, DateTimeOffset? RequestedAt, DateTimeOffset? FinishedAt, int? GatewayPayments, int? LedgerPayments,
    int? DiscrepancyCount, IReadOnlyList<ReconciliationDiscrepancy> Discrepancies);

/// <summary>
/// <c>reconciliation_run_view</c>: the runs staff asked for (a row written with the request) and the reports Billing
/// announced (<see cref="ReconciliationRunFinished"/>, scheduled runs included), one row per run. The differences are
/// kept as the JSON array of the report. Times are Unix milliseconds (UTC).
/// </summary>
public sealed class ReconciliationRunStore(SqlStorage storage)
{
    public static readonly SchemaMigration Tables = new("gateway_reconciliation_0002_runs", s => $"""
        CREATE TABLE {s.Table("reconciliation_run_view")} (
            run_id {s.Dialect.UuidType} PRIMARY KEY,
            range_from bigint NOT NULL,
            range_to bigint NOT NULL,
            requested_at bigint NULL,
            finished_at bigint NULL,
            gateway_payments integer NULL,
            ledger_payments integer NULL,
            discrepancy_count integer NULL,
            discrepancies text NULL
        );
        """);

    readonly string _runs = storage.Table("reconciliation_run_view");

    public Task RequestedAsync(SqlSession session, StartReconciliationRun run, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command(
            $"INSERT INTO {_runs} (run_id, range_from, range_to, requested_at) VALUES (@RunId, @From, @To, @RequestedAt)", run, cancellationToken));

    /// <summary>Keeps the report; a run requested elsewhere (the daily schedule) gets its row now. A repeated report changes nothing.</summary>
    public Task FinishedAsync(SqlSession session, ReconciliationRunFinished report, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_runs} (run_id, range_from, range_to, finished_at, gateway_payments, ledger_payments, discrepancy_count, discrepancies)
            VALUES (@RunId, @From, @To, @FinishedAt, @GatewayPayments, @LedgerPayments, @DiscrepancyCount, @discrepancies)
            ON CONFLICT (run_id) DO UPDATE SET finished_at = excluded.finished_at, gateway_payments = excluded.gateway_payments,
                ledger_payments = excluded.ledger_payments, discrepancy_count = excluded.discrepancy_count, discrepancies = excluded.discrepancies
            """, new
        {
            report.RunId, report.From, report.To, report.FinishedAt, report.GatewayPayments, report.LedgerPayments, report.DiscrepancyCount,
            discrepancies = JsonSerializer.Serialize(report.Discrepancies, JsonSerializerOptions.Web),
        }, cancellationToken));

    public async Task<ReconciliationRunRecord?> FindAsync(SqlSession session, Guid runId, CancellationToken cancellationToken) =>
        (await session.Connection.QuerySingleOrDefaultAsync<RunRow>(session.Command($"""
            SELECT run_id, range_from, range_to, requested_at, finished_at, gateway_payments, ledger_payments, discrepancy_count, discrepancies
            FROM {_runs} WHERE run_id = @runId
            """, new { runId }, cancellationToken)))?.Record;

    /// <summary>
    /// A page of runs, newest first: by when staff asked for it, or for a scheduled run by when Billing finished it. The
    /// differences are left out (a run's own answer has them).
    /// </summary>
    public async Task<Page<ReconciliationRunRecord>> ListAsync(SqlSession session, Paging paging, CancellationToken cancellationToken) =>
        (await session.QueryPageAsync<SummaryRow>($"""
            SELECT run_id, range_from, range_to, requested_at, finished_at, gateway_payments, ledger_payments, discrepancy_count
            FROM {_runs} ORDER BY COALESCE(requested_at, finished_at) DESC, run_id DESC LIMIT @limit OFFSET @offset
            """, $"SELECT COUNT(*) FROM {_runs}", null, paging, cancellationToken))
        .Select(row => new ReconciliationRunRecord(row.RunId, row.RangeFrom, row.RangeTo, row.RequestedAt, row.FinishedAt, row.GatewayPayments,
            row.LedgerPayments, row.DiscrepancyCount, []));

    sealed record SummaryRow(Guid RunId, DateTimeOffset RangeFrom, DateTimeOffset RangeTo, DateTimeOffset? RequestedAt, DateTimeOffset? FinishedAt,
        int? GatewayPayments, int? LedgerPayments, int? DiscrepancyCount);

    sealed record RunRow(Guid RunId, DateTimeOffset RangeFrom, DateTimeOffset RangeTo, DateTimeOffset? RequestedAt, DateTimeOffset? FinishedAt,
        int? GatewayPayments, int? LedgerPayments, int? DiscrepancyCount, string? Discrepancies)
    {
        public ReconciliationRunRecord Record => new(RunId, RangeFrom, RangeTo, RequestedAt, FinishedAt, GatewayPayments, LedgerPayments, DiscrepancyCount,
            Discrepancies is null ? [] : JsonSerializer.Deserialize<List<ReconciliationDiscrepancy>>(Discrepancies, JsonSerializerOptions.Web) ?? []);
    }
}

/// <summary>Keeps Billing's reconciliation reports for <c>GET /api/reconciliation/runs/{id}</c>.</summary>
public sealed class ReconciliationRunProjectionConsumer(SqlSession session, ReconciliationRunStore runs) : IConsumer<ReconciliationRunFinished>
{
    public Task Consume(ConsumeContext<ReconciliationRunFinished> context) => runs.FinishedAsync(session, context.Message, context.CancellationToken);
}
