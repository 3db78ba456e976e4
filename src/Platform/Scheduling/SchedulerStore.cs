using Orchestration.Platform.Outbox;

namespace Orchestration.Platform.Scheduling;

/// <summary>A claimed due row. A row whose message cannot be read throws when <see cref="Message"/> is read, so that it
/// fails (and is parked) alone instead of failing the whole claim.</summary>
public sealed class DueMessage
{
    readonly StoredMessage? _message;
    readonly Exception? _unreadable;

    public DueMessage(Guid tokenId, StoredMessage message, int attempts)
    {
        TokenId = tokenId;
        _message = message;
        Attempts = attempts;
    }

    DueMessage(Guid tokenId, Exception unreadable, int attempts)
    {
        TokenId = tokenId;
        _unreadable = unreadable;
        Attempts = attempts;
    }

    internal static DueMessage Unreadable(Guid tokenId, Exception exception, int attempts) => new(tokenId, exception, attempts);

    public Guid TokenId { get; }

    /// <summary>Failed attempts so far.</summary>
    public int Attempts { get; }

    public StoredMessage Message => _message ?? throw new InvalidDataException($"The scheduled message of token {TokenId} cannot be read.", _unreadable);
}

/// <summary>
/// The SQL of the durable scheduler. A row is keyed by its scheduling token. A sent or cancelled row stays as a
/// tombstone (closed) for a while, so a repeated or late <c>ScheduleMessage</c> for the same token can never fire.
/// </summary>
public sealed class SchedulerStore(SqlStorage storage)
{
    readonly string _table = storage.Table("scheduled_message");

    public SqlStorage Storage => storage;

    /// <summary>Stores or replaces the message for a token, unless the token was already cancelled. A replaced message starts
    /// with no failed attempts.</summary>
    public async Task ScheduleAsync(SqlSession session, Guid tokenId, long dueAt, StoredMessage message, long now, CancellationToken cancellationToken)
    {
        var updates = string.Join(", ", StoredMessage.Columns.Split(", ").Select(c => $"{c} = excluded.{c}"));
        await using var command = session.CreateCommand($"""
            INSERT INTO {_table} AS s (token_id, due_at, scheduled_at, {StoredMessage.Columns})
            VALUES (@token_id, @due_at, @now, {StoredMessage.Parameters})
            ON CONFLICT (token_id) DO UPDATE SET due_at = excluded.due_at, scheduled_at = excluded.scheduled_at, {updates},
                attempts = 0, next_attempt_at = NULL, last_error = NULL, parked_at = NULL
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

    /// <summary>
    /// Claims up to <paramref name="limit"/> due rows that are neither parked nor waiting out a failed attempt; they stay
    /// locked until the transaction ends.
    /// </summary>
    public async Task<List<DueMessage>> ClaimDueAsync(SqlSession session, long now, int limit, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT token_id, attempts, {StoredMessage.Columns} FROM {_table}
            WHERE closed_at IS NULL AND due_at <= @now AND parked_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
            ORDER BY due_at LIMIT @limit {storage.Dialect.ForUpdateSkipLocked}
            """).With("@now", now).With("@limit", limit);
        var due = new List<DueMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var (tokenId, attempts) = (reader.GetGuid(0), reader.GetInt32(1));
            try
            {
                due.Add(new DueMessage(tokenId, StoredMessage.Read(reader, 2), attempts));
            }
            catch (Exception exception) when (!DeliveryFailure.IsDatabaseFailure(exception))
            {
                due.Add(DueMessage.Unreadable(tokenId, exception, attempts));
            }
        }

        return due;
    }

    /// <summary>Records a failed attempt to send a due row; returns its attempts and whether it is now parked.</summary>
    public async Task<(int Attempts, bool Parked)> RecordFailureAsync(SqlSession session, Guid tokenId, DeliveryFailure failure,
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"UPDATE {_table} SET {DeliveryFailure.Set} WHERE token_id = @token_id RETURNING attempts, parked_at");
        failure.AddParameters(command).With("@token_id", tokenId);
        return await DeliveryFailure.ReadOutcomeAsync(command, cancellationToken);
    }

    public async Task<long> CountParkedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {_table} WHERE closed_at IS NULL AND parked_at IS NOT NULL";
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The parked scheduled messages (a cancellation removes one from here), oldest first, with why they were parked.</summary>
    public async Task<List<ParkedDelivery>> ListParkedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT token_id, attempts, last_error, parked_at FROM {_table} WHERE closed_at IS NULL AND parked_at IS NOT NULL ORDER BY parked_at
            """;
        var parked = new List<ParkedDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            parked.Add(new ParkedDelivery("scheduler", reader.GetGuid(0), null, reader.GetInt32(1), reader.GetNullableString(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3))));
        }

        return parked;
    }

    /// <summary>Gives a parked scheduled message its attempts back: it is sent at the next look. False when it is not parked.</summary>
    public async Task<bool> UnparkAsync(Guid tokenId, CancellationToken cancellationToken) =>
        await storage.ExecuteAsync(
            $"UPDATE {_table} SET {OutboxStore.Unparked} WHERE token_id = @token_id AND closed_at IS NULL AND parked_at IS NOT NULL",
            c => c.With("@token_id", tokenId), cancellationToken) == 1;

    /// <summary>The message was sent: keep the token as a tombstone, without the message.</summary>
    public async Task CloseAsync(SqlSession session, Guid tokenId, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"UPDATE {_table} SET closed_at = @now, due_at = NULL, body = NULL, headers = NULL WHERE token_id = @token_id")
            .With("@now", now).With("@token_id", tokenId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The earliest time a row can be sent (its due time, or after a failed attempt its next attempt, which is always
    /// later), so the dispatcher can sleep until then. Each half finds its row through its own index.
    /// </summary>
    public async Task<long?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT MIN(next) FROM (
                SELECT MIN(due_at) AS next FROM {_table} WHERE closed_at IS NULL AND parked_at IS NULL AND next_attempt_at IS NULL
                UNION ALL
                SELECT MIN(next_attempt_at) FROM {_table} WHERE closed_at IS NULL AND parked_at IS NULL AND next_attempt_at IS NOT NULL
            ) AS candidates
            """;
        return await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Removes tombstones closed before the cutoff; returns how many.</summary>
    public Task<int> RemoveTombstonesAsync(long closedBefore, CancellationToken cancellationToken) =>
        storage.ExecuteAsync($"DELETE FROM {_table} WHERE closed_at IS NOT NULL AND closed_at < @cutoff",
            c => c.With("@cutoff", closedBefore), cancellationToken);
}
