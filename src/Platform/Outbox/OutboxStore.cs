using System.Data.Common;
using Orchestration.Platform.Storage;

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

    /// <summary>Claims the oldest committed bus-outbox transaction that nobody else is delivering.</summary>
    public async Task<Guid?> ClaimOutboxAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT outbox_id FROM {_outboxState} ORDER BY created LIMIT 1 {storage.Dialect.ForUpdateSkipLocked}";
        return await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull ? ToGuid(value) : null;
    }

    /// <summary>Claims a consumed message whose outgoing messages were left undelivered for longer than the cutoff.</summary>
    public async Task<(Guid MessageId, Guid ConsumerId)?> ClaimOrphanAsync(DbConnection connection, DbTransaction transaction, long consumedBefore,
        CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT message_id, consumer_id FROM {_inbox}
            WHERE delivered IS NULL AND consumed IS NOT NULL AND consumed < @cutoff
            ORDER BY consumed LIMIT 1 {storage.Dialect.ForUpdateSkipLocked}
            """;
        command.With("@cutoff", consumedBefore);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetGuid(0), reader.GetGuid(1)) : null;
    }

    /// <summary>Forgets message ids delivered before the cutoff; returns how many.</summary>
    public async Task<int> RemoveExpiredInboxAsync(long deliveredBefore, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"DELETE FROM {_inbox} WHERE delivered IS NOT NULL AND delivered < @cutoff";
        command.With("@cutoff", deliveredBefore);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static Guid ToGuid(object value) => value switch
    {
        Guid guid => guid,
        byte[] bytes => new Guid(bytes),
        string text => Guid.Parse(text),
        _ => throw new InvalidCastException($"Cannot read {value.GetType()} as a Guid."),
    };
}
