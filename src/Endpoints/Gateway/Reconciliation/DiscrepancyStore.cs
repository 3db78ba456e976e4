using Dapper;
using Orchestration.Messages.Reconciliation;

namespace Orchestration.Endpoints.Gateway.Reconciliation;

/// <summary>A signed provider event that moved nothing, as staff see it.</summary>
public sealed record DiscrepancyRecord(
    string Provider, string EventId, string EventType, string Kind, string Reason, Guid? LeaseId, string? ProviderReference, Money? Amount,
    DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);

/// <summary>What a list of discrepancies is narrowed to; each filter applies when given.</summary>
public sealed record DiscrepancyFilter(string? Provider, string? Kind, Guid? LeaseId);

/// <summary>The SQL of <c>provider_discrepancies</c>, on the caller's <see cref="SqlSession"/>.</summary>
public sealed class DiscrepancyStore(SqlStorage storage)
{
    readonly string _discrepancies = storage.Table("provider_discrepancies");

    const string Columns =
        "provider, event_id, event_type, kind, reason, lease_id, provider_reference, amount, currency, occurred_at, recorded_at";

    /// <returns>True when the event was new; false when it was kept already.</returns>
    public async Task<bool> TryRecordAsync(SqlSession session, ProviderEventDiscrepancyRecorded discrepancy, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_discrepancies} ({Columns})
            VALUES (@Provider, @EventId, @EventType, @Kind, @Reason, @LeaseId, @ProviderReference, @Amount, @Currency, @OccurredAt, @RecordedAt)
            ON CONFLICT (provider, event_id) DO NOTHING
            """, new
            {
                discrepancy.Provider, discrepancy.EventId, discrepancy.EventType, discrepancy.Kind, discrepancy.Reason, discrepancy.LeaseId,
                discrepancy.ProviderReference, Amount = discrepancy.Amount?.Amount, Currency = discrepancy.Amount?.Currency, discrepancy.OccurredAt,
                discrepancy.RecordedAt,
            }, cancellationToken)) > 0;

    public async Task<DiscrepancyRecord?> FindAsync(SqlSession session, string provider, string eventId, CancellationToken cancellationToken) =>
        (await session.Connection.QuerySingleOrDefaultAsync<DiscrepancyRow>(session.Command(
            $"SELECT {Columns} FROM {_discrepancies} WHERE provider = @provider AND event_id = @eventId", new { provider, eventId },
            cancellationToken)))?.Record;

    /// <summary>Newest first.</summary>
    public async Task<Page<DiscrepancyRecord>> ListAsync(SqlSession session, DiscrepancyFilter filter, Paging paging, CancellationToken cancellationToken)
    {
        // Each condition is a fixed piece of SQL, chosen by which filters are given; every value stays a parameter.
        var conditions = new List<string>();
        if (filter.Provider is not null)
            conditions.Add("provider = @Provider");
        if (filter.Kind is not null)
            conditions.Add("kind = @Kind");
        if (filter.LeaseId is not null)
            conditions.Add("lease_id = @LeaseId");
        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);

        var page = await session.QueryPageAsync<DiscrepancyRow>($"""
            SELECT {Columns} FROM {_discrepancies} {where}
            ORDER BY recorded_at DESC, provider, event_id LIMIT @limit OFFSET @offset
            """, $"SELECT COUNT(*) FROM {_discrepancies} {where}", filter, paging, cancellationToken);
        return page.Select(row => row.Record);
    }

    /// <summary>A row of <c>provider_discrepancies</c>, where the amount and its currency are columns of their own.</summary>
    sealed record DiscrepancyRow(
        string Provider, string EventId, string EventType, string Kind, string Reason, Guid? LeaseId, string? ProviderReference, decimal? Amount,
        string? Currency, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt)
    {
        public DiscrepancyRecord Record => new(Provider, EventId, EventType, Kind, Reason, LeaseId, ProviderReference,
            SqlRows.MoneyOf(Amount, Currency), OccurredAt, RecordedAt);
    }
}
