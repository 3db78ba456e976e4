using System.Data.Common;
using Orchestration.Messages.Reconciliation;
using static Orchestration.Endpoints.Gateway.SqlRows;

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
    public async Task<bool> TryRecordAsync(SqlSession session, ProviderEventDiscrepancyRecorded discrepancy, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_discrepancies} ({Columns})
            VALUES (@provider, @event_id, @event_type, @kind, @reason, @lease_id, @reference, @amount, @currency, @occurred_at, @recorded_at)
            ON CONFLICT (provider, event_id) DO NOTHING
            """)
            .With("@provider", discrepancy.Provider).With("@event_id", discrepancy.EventId).With("@event_type", discrepancy.EventType)
            .With("@kind", discrepancy.Kind).With("@reason", discrepancy.Reason).With("@lease_id", discrepancy.LeaseId)
            .With("@reference", discrepancy.ProviderReference).With("@amount", discrepancy.Amount?.Amount).With("@currency", discrepancy.Amount?.Currency)
            .With("@occurred_at", discrepancy.OccurredAt.ToUnixTimeMilliseconds()).With("@recorded_at", discrepancy.RecordedAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<DiscrepancyRecord?> FindAsync(SqlSession session, string provider, string eventId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT {Columns} FROM {_discrepancies} WHERE provider = @provider AND event_id = @event_id")
            .With("@provider", provider).With("@event_id", eventId);
        return await command.ReadOneAsync(Read, cancellationToken);
    }

    /// <summary>Newest first.</summary>
    public async Task<Page<DiscrepancyRecord>> ListAsync(SqlSession session, DiscrepancyFilter filter, Paging paging, CancellationToken cancellationToken)
    {
        // Each condition is a fixed piece of SQL, chosen by which filters are given; every value stays a parameter.
        var conditions = new List<string>();
        if (filter.Provider is not null)
            conditions.Add("provider = @provider");
        if (filter.Kind is not null)
            conditions.Add("kind = @kind");
        if (filter.LeaseId is not null)
            conditions.Add("lease_id = @lease_id");
        var where = conditions.Count == 0 ? "" : "WHERE " + string.Join(" AND ", conditions);

        await using var count = Filtered(session.CreateCommand($"SELECT COUNT(*) FROM {_discrepancies} {where}"));
        await using var command = Filtered(session.CreateCommand($"""
            SELECT {Columns} FROM {_discrepancies} {where}
            ORDER BY recorded_at DESC, provider, event_id LIMIT @limit OFFSET @offset
            """));
        return await command.ReadPageAsync(count, paging, Read, cancellationToken);

        DbCommand Filtered(DbCommand c)
        {
            if (filter.Provider is not null)
                c.With("@provider", filter.Provider);
            if (filter.Kind is not null)
                c.With("@kind", filter.Kind);
            if (filter.LeaseId is not null)
                c.With("@lease_id", filter.LeaseId.Value);
            return c;
        }
    }

    static DiscrepancyRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetNullableGuid(5), r.GetNullableString(6),
        NullableMoneyAt(r, 7), At(r.GetInt64(9)), At(r.GetInt64(10)));
}
