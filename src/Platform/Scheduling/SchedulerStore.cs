using Orchestration.Platform.Outbox;
using Orchestration.Platform.Storage;

namespace Orchestration.Platform.Scheduling;

public sealed record DueMessage(Guid TokenId, StoredMessage Message);

/// <summary>
/// The SQL of the durable scheduler. A row is keyed by its scheduling token. A sent or cancelled row stays as a
/// tombstone (closed) for a while, so a repeated or late <c>ScheduleMessage</c> for the same token can never fire.
/// </summary>
public sealed class SchedulerStore(SqlStorage storage)
{
    readonly string _table = storage.Table("scheduled_message");

    public SqlStorage Storage => storage;

    /// <summary>Stores or replaces the message for a token, unless the token was already cancelled.</summary>
    public async Task ScheduleAsync(SqlSession session, Guid tokenId, long dueAt, StoredMessage message, long now, CancellationToken cancellationToken)
    {
        var updates = string.Join(", ", StoredMessage.Columns.Split(", ").Select(c => $"{c} = excluded.{c}"));
        await using var command = session.CreateCommand($"""
            INSERT INTO {_table} AS s (token_id, due_at, scheduled_at, {StoredMessage.Columns})
            VALUES (@token_id, @due_at, @now, {StoredMessage.Parameters})
            ON CONFLICT (token_id) DO UPDATE SET due_at = excluded.due_at, scheduled_at = excluded.scheduled_at, {updates}
            WHERE s.closed_at IS NULL
            """).With("@token_id", tokenId).With("@due_at", dueAt).With("@now", now);
        message.AddParameters(command);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Cancels a token, leaving a tombstone even when nothing was scheduled yet (the schedule may arrive later).</summary>
    public async Task CancelAsync(SqlSession session, Guid tokenId, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_table} (token_id, closed_at, scheduled_at) VALUES (@token_id, @now, @now)
            ON CONFLICT (token_id) DO UPDATE SET closed_at = @now, due_at = NULL, body = NULL
            """).With("@token_id", tokenId).With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Claims up to <paramref name="limit"/> due rows; they stay locked until the transaction ends.</summary>
    public async Task<List<DueMessage>> ClaimDueAsync(SqlSession session, long now, int limit, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT token_id, {StoredMessage.Columns} FROM {_table}
            WHERE closed_at IS NULL AND due_at <= @now
            ORDER BY due_at LIMIT @limit {storage.Dialect.ForUpdateSkipLocked}
            """).With("@now", now).With("@limit", limit);
        var due = new List<DueMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            due.Add(new DueMessage(reader.GetGuid(0), StoredMessage.Read(reader, 1)));
        return due;
    }

    /// <summary>The message was sent: keep the token as a tombstone, without the message.</summary>
    public async Task CloseAsync(SqlSession session, Guid tokenId, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"UPDATE {_table} SET closed_at = @now, due_at = NULL, body = NULL, headers = NULL WHERE token_id = @token_id")
            .With("@now", now).With("@token_id", tokenId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The earliest due time, so the dispatcher can sleep until then.</summary>
    public async Task<long?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT MIN(due_at) FROM {_table} WHERE closed_at IS NULL";
        return await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    public async Task<int> RemoveTombstonesAsync(long closedBefore, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {_table} WHERE closed_at IS NOT NULL AND closed_at < @cutoff";
        command.With("@cutoff", closedBefore);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
