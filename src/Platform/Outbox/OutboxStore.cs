using System.Data.Common;

namespace Orchestration.Platform.Outbox;

public sealed record InboxState(long? Consumed, long? Delivered, int ReceiveCount);

/// <summary>Another copy of the message was consumed first; the transaction that handled this copy is rolled back.</summary>
public sealed class InboxConflictException(Guid messageId) : Exception($"Message {messageId} was already consumed by another copy.");

/// <summary>The SQL of the inbox and outbox, in one place.</summary>
public sealed class OutboxStore(SqlStorage storage)
{
    readonly string _inbox = storage.Table("inbox_state");
    readonly string _outbox = storage.Table("outbox_message");
    readonly string _outboxState = storage.Table("outbox_state");

    public SqlStorage Storage => storage;

    /// <summary>
    /// Records the message as received by the consumer, or counts another receipt. The upsert locks the row until the
    /// transaction ends, so a concurrent copy of the same message waits and then sees it consumed.
    /// </summary>
    public async Task<InboxState> ReceiveAsync(SqlSession session, Guid messageId, Guid consumerId, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_inbox} AS i (message_id, consumer_id, received, receive_count) VALUES (@message_id, @consumer_id, @now, 1)
            ON CONFLICT (message_id, consumer_id) DO UPDATE SET receive_count = i.receive_count + 1
            RETURNING consumed, delivered, receive_count
            """).With("@message_id", messageId).With("@consumer_id", consumerId).With("@now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new InboxState(reader.GetNullableInt64(0), reader.GetNullableInt64(1), reader.GetInt32(2));
    }

    /// <summary>
    /// Whether the consumer has consumed the message, read in a transaction that takes no lock (on SQLite not the
    /// write lock): a first look for a consumer that calls third parties, which claims the row only at commit.
    /// </summary>
    public async Task<bool> IsConsumedAsync(SqlSession session, Guid messageId, Guid consumerId, CancellationToken cancellationToken)
    {
        await session.BeginReadAsync(cancellationToken);
        try
        {
            await using var command = session.CreateCommand(
                    $"SELECT consumed FROM {_inbox} WHERE message_id = @message_id AND consumer_id = @consumer_id AND consumed IS NOT NULL")
                .With("@message_id", messageId).With("@consumer_id", consumerId);
            return await command.ExecuteScalarAsync(cancellationToken) is not null;
        }
        finally
        {
            await session.RollbackAsync();
        }
    }

    /// <summary>
    /// The handler's outgoing messages and the consumed mark of a message received with <see cref="ReceiveAsync"/>,
    /// written with the commit.
    /// </summary>
    public void DeferConsumed(SqlSession session, IReadOnlyList<StoredMessage> messages, Guid messageId, Guid consumerId, long now, bool delivered)
    {
        DeferInsert(session, messages, messageId, consumerId);
        session.Defer($"UPDATE {_inbox} SET consumed = @now, delivered = @delivered WHERE message_id = @message_id AND consumer_id = @consumer_id")
            .With("@now", now).With("@delivered", delivered ? now : null).With("@message_id", messageId).With("@consumer_id", consumerId);
    }

    /// <summary>
    /// A first delivery, handled without claiming the inbox row up front: the row is inserted already consumed, with the
    /// handler's writes, just before the commit. If a copy of the message was consumed first (or is being consumed: the
    /// insert waits for that transaction), the insert affects no row and <see cref="InboxConflictException"/> rolls the
    /// whole transaction back.
    /// </summary>
    public void DeferClaimConsumed(SqlSession session, IReadOnlyList<StoredMessage> messages, Guid messageId, Guid consumerId, long now, bool delivered)
    {
        session.Defer($"""
            INSERT INTO {_inbox} (message_id, consumer_id, received, receive_count, consumed, delivered) VALUES (@message_id, @consumer_id, @now, 1, @now, @delivered)
            ON CONFLICT (message_id, consumer_id) DO NOTHING
            """, rows =>
            {
                if (rows == 0)
                    throw new InboxConflictException(messageId);
            }, first: true).With("@message_id", messageId).With("@consumer_id", consumerId).With("@now", now).With("@delivered", delivered ? now : null);
        DeferInsert(session, messages, messageId, consumerId);
    }

    void DeferInsert(SqlSession session, IReadOnlyList<StoredMessage> messages, Guid messageId, Guid consumerId)
    {
        foreach (var message in messages)
        {
            var insert = session.Defer($"""
                INSERT INTO {_outbox} (inbox_message_id, inbox_consumer_id, outbox_id, {StoredMessage.Columns})
                VALUES (@inbox_message_id, @inbox_consumer_id, @outbox_id, {StoredMessage.Parameters})
                """).With("@inbox_message_id", messageId).With("@inbox_consumer_id", consumerId).With("@outbox_id", null);
            message.AddParameters(insert);
        }
    }

    public async Task InsertAsync(SqlSession session, IReadOnlyList<StoredMessage> messages, Guid? inboxMessageId, Guid? inboxConsumerId, Guid? outboxId,
        CancellationToken cancellationToken)
    {
        foreach (var message in messages)
        {
            await using var command = session.CreateCommand($"""
                INSERT INTO {_outbox} (inbox_message_id, inbox_consumer_id, outbox_id, {StoredMessage.Columns})
                VALUES (@inbox_message_id, @inbox_consumer_id, @outbox_id, {StoredMessage.Parameters})
                """).With("@inbox_message_id", inboxMessageId).With("@inbox_consumer_id", inboxConsumerId).With("@outbox_id", outboxId);
            message.AddParameters(command);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    public async Task InsertOutboxStateAsync(SqlSession session, Guid outboxId, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"INSERT INTO {_outboxState} (outbox_id, created) VALUES (@outbox_id, @now)")
            .With("@outbox_id", outboxId).With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public Task<List<StoredMessage>> LoadForInboxAsync(DbConnection connection, DbTransaction? transaction, Guid messageId, Guid consumerId,
        CancellationToken cancellationToken) =>
        LoadAsync(connection, transaction, "inbox_message_id = @id AND inbox_consumer_id = @consumer_id",
            c => c.With("@id", messageId).With("@consumer_id", consumerId), cancellationToken);

    public Task<List<StoredMessage>> LoadForOutboxAsync(DbConnection connection, DbTransaction transaction, Guid outboxId,
        CancellationToken cancellationToken) =>
        LoadAsync(connection, transaction, "outbox_id = @id", c => c.With("@id", outboxId), cancellationToken);

    async Task<List<StoredMessage>> LoadAsync(DbConnection connection, DbTransaction? transaction, string where, Action<DbCommand> parameters,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT sequence_number, {StoredMessage.Columns} FROM {_outbox} WHERE {where} ORDER BY sequence_number";
        parameters(command);
        var messages = new List<StoredMessage>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            messages.Add(StoredMessage.Read(reader, 1, reader.GetInt64(0)));
        return messages;
    }

    /// <summary>The outgoing messages of a consumed message reached the broker: forget them and remember that.</summary>
    public async Task CompleteInboxDeliveryAsync(DbConnection connection, DbTransaction transaction, Guid messageId, Guid consumerId, long now,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            DELETE FROM {_outbox} WHERE inbox_message_id = @message_id AND inbox_consumer_id = @consumer_id;
            UPDATE {_inbox} SET delivered = @now WHERE message_id = @message_id AND consumer_id = @consumer_id;
            """;
        command.With("@message_id", messageId).With("@consumer_id", consumerId).With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks many consumed messages delivered in one statement pair (one commit for the batch).</summary>
    public async Task CompleteInboxDeliveriesAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<(Guid MessageId, Guid ConsumerId)> messages,
        long now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var outboxKeys = new List<string>(messages.Count);
        var inboxKeys = new List<string>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            outboxKeys.Add($"(inbox_message_id = @m{i} AND inbox_consumer_id = @c{i})");
            inboxKeys.Add($"(message_id = @m{i} AND consumer_id = @c{i})");
            command.With($"@m{i}", messages[i].MessageId).With($"@c{i}", messages[i].ConsumerId);
        }

        command.CommandText = $"""
            DELETE FROM {_outbox} WHERE {string.Join(" OR ", outboxKeys)};
            UPDATE {_inbox} SET delivered = @now WHERE delivered IS NULL AND ({string.Join(" OR ", inboxKeys)});
            """;
        command.With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task CompleteOutboxDeliveryAsync(DbConnection connection, DbTransaction transaction, Guid outboxId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            DELETE FROM {_outbox} WHERE outbox_id = @outbox_id;
            DELETE FROM {_outboxState} WHERE outbox_id = @outbox_id;
            """;
        command.With("@outbox_id", outboxId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Claims the oldest committed bus-outbox transaction that nobody else is delivering, is not parked, and is not
    /// waiting out a failed attempt; returns its id and failed attempts so far.
    /// </summary>
    public async Task<(Guid OutboxId, int Attempts)?> ClaimOutboxAsync(DbConnection connection, DbTransaction transaction, long now,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT outbox_id, attempts FROM {_outboxState}
            WHERE parked_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
            ORDER BY created LIMIT 1 {storage.Dialect.ForUpdateSkipLocked}
            """;
        command.With("@now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (ToGuid(reader.GetValue(0)), reader.GetInt32(1)) : null;
    }

    /// <summary>
    /// Claims a consumed message whose outgoing messages were left undelivered for longer than the cutoff (and that is
    /// neither parked nor waiting out a failed attempt); returns its key and failed attempts so far.
    /// </summary>
    public async Task<(Guid MessageId, Guid ConsumerId, int Attempts)?> ClaimOrphanAsync(DbConnection connection, DbTransaction transaction,
        long consumedBefore, long now, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT message_id, consumer_id, attempts FROM {_inbox}
            WHERE delivered IS NULL AND consumed IS NOT NULL AND consumed < @cutoff
              AND parked_at IS NULL AND (next_attempt_at IS NULL OR next_attempt_at <= @now)
            ORDER BY consumed LIMIT 1 {storage.Dialect.ForUpdateSkipLocked}
            """;
        command.With("@cutoff", consumedBefore).With("@now", now);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2)) : null;
    }

    /// <summary>Forgets the outgoing messages that reached the broker before a later one of the same row failed.</summary>
    public async Task RemoveSentAsync(DbConnection connection, DbTransaction transaction, IReadOnlyList<long> sequenceNumbers,
        CancellationToken cancellationToken)
    {
        if (sequenceNumbers.Count == 0)
            return;

        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var names = new List<string>(sequenceNumbers.Count);
        for (var i = 0; i < sequenceNumbers.Count; i++)
        {
            names.Add($"@s{i}");
            command.With($"@s{i}", sequenceNumbers[i]);
        }

        command.CommandText = $"DELETE FROM {_outbox} WHERE sequence_number IN ({string.Join(", ", names)})";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records a failed attempt to deliver a bus-outbox transaction; returns its attempts and whether it is now parked.</summary>
    public async Task<(int Attempts, bool Parked)> RecordOutboxFailureAsync(DbConnection connection, DbTransaction transaction, Guid outboxId,
        DeliveryFailure failure, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"UPDATE {_outboxState} SET {DeliveryFailure.Set} WHERE outbox_id = @outbox_id RETURNING attempts, parked_at";
        failure.AddParameters(command).With("@outbox_id", outboxId);
        return await DeliveryFailure.ReadOutcomeAsync(command, cancellationToken);
    }

    /// <summary>Records a failed attempt to deliver a consumed message's output; returns its attempts and whether it is now parked.</summary>
    public async Task<(int Attempts, bool Parked)> RecordInboxFailureAsync(DbConnection connection, DbTransaction transaction, Guid messageId,
        Guid consumerId, DeliveryFailure failure, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            UPDATE {_inbox} SET {DeliveryFailure.Set} WHERE message_id = @message_id AND consumer_id = @consumer_id RETURNING attempts, parked_at
            """;
        failure.AddParameters(command).With("@message_id", messageId).With("@consumer_id", consumerId);
        return await DeliveryFailure.ReadOutcomeAsync(command, cancellationToken);
    }

    /// <summary>How many bus-outbox transactions and consumed messages' outputs are parked.</summary>
    public async Task<(long BusOutbox, long Inbox)> CountParkedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT (SELECT COUNT(*) FROM {_outboxState} WHERE parked_at IS NOT NULL),
                   (SELECT COUNT(*) FROM {_inbox} WHERE parked_at IS NOT NULL AND delivered IS NULL)
            """;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>The parked bus-outbox transactions and consumed messages' outputs, oldest first, with why they were parked.</summary>
    public async Task<List<ParkedDelivery>> ListParkedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT 'bus-outbox', outbox_id, NULL, attempts, last_error, parked_at FROM {_outboxState} WHERE parked_at IS NOT NULL
            UNION ALL
            SELECT 'inbox', message_id, consumer_id, attempts, last_error, parked_at FROM {_inbox} WHERE parked_at IS NOT NULL AND delivered IS NULL
            ORDER BY 6
            """;
        var parked = new List<ParkedDelivery>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            parked.Add(new ParkedDelivery(reader.GetString(0), ToGuid(reader.GetValue(1)), reader.IsDBNull(2) ? null : ToGuid(reader.GetValue(2)),
                reader.GetInt32(3), reader.GetNullableString(4), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5))));
        }

        return parked;
    }

    /// <summary>
    /// Gives a parked bus-outbox transaction its attempts back: the sweeper tries it again at once. False when no such
    /// transaction is parked.
    /// </summary>
    public Task<bool> UnparkOutboxAsync(Guid outboxId, CancellationToken cancellationToken) =>
        UnparkAsync($"UPDATE {_outboxState} SET {Unparked} WHERE outbox_id = @id AND parked_at IS NOT NULL",
            c => c.With("@id", outboxId), cancellationToken);

    /// <summary>Gives a parked consumed message's output its attempts back; false when it is not parked.</summary>
    public Task<bool> UnparkInboxAsync(Guid messageId, Guid consumerId, CancellationToken cancellationToken) =>
        UnparkAsync($"UPDATE {_inbox} SET {Unparked} WHERE message_id = @id AND consumer_id = @consumer_id AND parked_at IS NOT NULL",
            c => c.With("@id", messageId).With("@consumer_id", consumerId), cancellationToken);

    // The last error stays until the next attempt replaces it, so an operator still sees why the row was parked.
    internal const string Unparked = "attempts = 0, next_attempt_at = NULL, parked_at = NULL";

    async Task<bool> UnparkAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken) =>
        await storage.ExecuteAsync(sql, parameters, cancellationToken) == 1;

    /// <summary>Forgets message ids delivered before the cutoff; returns how many.</summary>
    public Task<int> RemoveExpiredInboxAsync(long deliveredBefore, CancellationToken cancellationToken) =>
        storage.ExecuteAsync($"DELETE FROM {_inbox} WHERE delivered IS NOT NULL AND delivered < @cutoff",
            c => c.With("@cutoff", deliveredBefore), cancellationToken);

    static Guid ToGuid(object value) => value switch
    {
        Guid guid => guid,
        byte[] bytes => new Guid(bytes),
        string text => Guid.Parse(text),
        _ => throw new InvalidCastException($"Cannot read {value.GetType()} as a Guid."),
    };
}
