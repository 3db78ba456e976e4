using System.Threading.Channels;
using MassTransit;
using MassTransit.InMemoryTransport;
using MassTransit.Serialization;
using Microsoft.Data.Sqlite;

namespace Orchestration.Platform.InMemory;

/// <summary>One copy of a message in one in-memory queue, as the journal keeps it.</summary>
public sealed record JournaledCopy(long Sequence, string Queue, Guid MessageId, InMemoryTransportMessage Message);

/// <summary>
/// The SQL side of <see cref="InMemoryDeliveryTracker"/>: every copy the in-memory transport puts in a queue is written
/// here before the send that put it there returns, and removed once its receiver has finished with it. Writes from
/// many senders share one transaction (group commit), so the journal costs a commit per burst, not per message.
///
/// <para>On SQLite the journal has a file of its own beside the endpoint's (<c>name.db</c> → <c>name.queues.db</c>).
/// SQLite has one writer per file, and the scheduler and the outbox sweeper send while their own write transaction is
/// open: a journal in the same file would wait for that transaction, which waits for the send.</para>
/// </summary>
public sealed class DeliveryJournal : IAsyncDisposable
{
    static readonly IObjectDeserializer Serializer = SystemTextJsonMessageSerializer.Instance;

    readonly SqlStorage _storage;
    readonly TimeProvider _time;
    readonly ILogger<DeliveryJournal> _logger;
    readonly string _table;
    readonly Channel<Write> _writes = Channel.CreateUnbounded<Write>(new UnboundedChannelOptions { SingleReader = true });
    readonly Task _writer;
    volatile bool _created;

    public DeliveryJournal(SqlStorage storage, TimeProvider time, ILogger<DeliveryJournal> logger)
    {
        _storage = storage.Dialect is SqliteDialect ? BesideDatabase(storage) : storage;
        _time = time;
        _logger = logger;
        _table = storage.Table("in_memory_journal");
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Stores a copy; completes once it is committed, with the row's sequence number.</summary>
    public Task<long> AddAsync(string queue, InMemoryTransportMessage message, bool parked)
    {
        var add = new Add(queue, message, parked, new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (!_writes.Writer.TryWrite(add))
            add.Stored.SetException(new InvalidOperationException("The in-memory delivery journal is closed: the host is stopping."));
        return add.Stored.Task;
    }

    /// <summary>Forgets a copy. Not awaited: a removal lost to a crash only means the copy is delivered once more at start-up.</summary>
    public void Remove(long sequence) => _writes.Writer.TryWrite(new Removal(sequence));

    /// <summary>The copies a previous run left in queues (not the parked ones), oldest first.</summary>
    public async Task<List<JournaledCopy>> LoadUnfinishedAsync(CancellationToken cancellationToken)
    {
        await EnsureTableAsync();
        await using var connection = await _storage.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT sequence_number, queue, message_id, content_type, headers, body FROM {_table} WHERE parked = 0 ORDER BY sequence_number";
        return await ReadCopiesAsync(command, cancellationToken);
    }

    /// <summary>How many copies each queue holds unfinished (waiting or being handled): the in-memory transport's queue lengths.</summary>
    public async Task<Dictionary<string, long>> CountUnfinishedAsync(CancellationToken cancellationToken)
    {
        await EnsureTableAsync();
        await using var connection = await _storage.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT queue, COUNT(*) FROM {_table} WHERE parked = 0 GROUP BY queue";
        var counts = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
            counts[reader.GetString(0)] = reader.GetInt64(1);
        return counts;
    }

    /// <summary>The oldest copies parked in error queues (<c>*_error</c>), for the failed-message store to take over.</summary>
    public async Task<List<JournaledCopy>> LoadParkedErrorsAsync(int limit, CancellationToken cancellationToken)
    {
        await EnsureTableAsync();
        await using var connection = await _storage.OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT sequence_number, queue, message_id, content_type, headers, body FROM {_table} WHERE parked = 1 AND queue LIKE '%\\_error' ESCAPE '\\' ORDER BY sequence_number LIMIT {limit}";
        return await ReadCopiesAsync(command, cancellationToken);
    }

    /// <summary>Deletes parked copies once the failed-message store has committed them.</summary>
    public async Task DeleteParkedAsync(IReadOnlyCollection<long> sequences, CancellationToken cancellationToken)
    {
        await using var connection = await _storage.OpenConnectionAsync(cancellationToken);
        foreach (var chunk in sequences.Chunk(200))
        {
            await using var delete = connection.CreateCommand();
            delete.CommandText = $"DELETE FROM {_table} WHERE parked = 1 AND sequence_number IN ({string.Join(", ", chunk.Select((_, n) => $"@s{n}"))})";
            for (var n = 0; n < chunk.Length; n++)
                delete.With($"@s{n}", chunk[n]);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    static async Task<List<JournaledCopy>> ReadCopiesAsync(System.Data.Common.DbCommand command, CancellationToken cancellationToken)
    {
        var copies = new List<JournaledCopy>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var messageId = reader.GetGuid(2);
            var message = new InMemoryTransportMessage(messageId, Convert.FromBase64String(reader.GetString(5)), reader.GetNullableString(3) ?? SystemTextJsonMessageSerializer.JsonContentType.MediaType);
            foreach (var (key, value) in Serializer.DeserializeDictionary<object>(reader.GetNullableString(4)) ?? new Dictionary<string, object>())
                message.Headers.Set(key, value);
            copies.Add(new JournaledCopy(reader.GetInt64(0), reader.GetString(1), messageId, message));
        }

        return copies;
    }

    static SqlStorage BesideDatabase(SqlStorage storage)
    {
        var connection = new SqliteConnectionStringBuilder(storage.ConnectionString);
        var file = connection.DataSource;
        connection.DataSource = Path.Combine(Path.GetDirectoryName(file) ?? "", Path.GetFileNameWithoutExtension(file) + ".queues.db");
        return new SqlStorage(storage.Dialect, connection.ToString(), storage.Schema);
    }

    // Idempotent, so the writer and the start-up redelivery may both get here first.
    async Task EnsureTableAsync()
    {
        if (_created)
            return;

        await using var connection = await _storage.OpenConnectionAsync(CancellationToken.None);
        await _storage.Dialect.PrepareDatabaseAsync(connection, CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        await _storage.Dialect.CreateSchemaAsync(connection, transaction, _storage.Schema, CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            CREATE TABLE IF NOT EXISTS {_table} (
                sequence_number {_storage.Dialect.IdentityColumn},
                queue text NOT NULL,
                message_id {_storage.Dialect.UuidType} NOT NULL,
                parked integer NOT NULL,
                content_type text NULL,
                headers text NULL,
                body text NOT NULL,
                journaled_at bigint NOT NULL
            )
            """;
        await command.ExecuteNonQueryAsync();
        await transaction.CommitAsync();
        _created = true;
    }

    async Task WriteAsync()
    {
        var batch = new List<Write>();
        var failures = 0;
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (batch.Count < 500 && _writes.Reader.TryRead(out var write))
                batch.Add(write);

            try
            {
                await CommitAsync(batch);
                foreach (var add in batch.OfType<Add>())
                    add.Stored.TrySetResult(add.Sequence);
                batch.Clear();
                failures = 0;
            }
            catch (Exception exception)
            {
                // The sends waiting on this batch fail, so their messages stay where they came from (outbox, scheduler)
                // and are sent again; removals are kept and written with the next batch.
                failures++;
                _logger.LogWarning(exception, "Writing {Count} in-memory journal entries failed ({Failures} in a row)", batch.Count, failures);
                foreach (var add in batch.OfType<Add>())
                    add.Stored.TrySetException(exception);
                batch.RemoveAll(w => w is Add);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 50 * failures)), _time);
            }
        }
    }

    async Task CommitAsync(List<Write> batch)
    {
        await EnsureTableAsync();
        await using var connection = await _storage.OpenConnectionAsync(CancellationToken.None);
        await using var transaction = await connection.BeginTransactionAsync();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var removals = batch.OfType<Removal>().Select(r => r.Sequence).ToList();
        for (var i = 0; i < removals.Count; i += 200)
        {
            await using var delete = connection.CreateCommand();
            delete.Transaction = transaction;
            var chunk = removals.Skip(i).Take(200).ToList();
            delete.CommandText = $"DELETE FROM {_table} WHERE sequence_number IN ({string.Join(", ", chunk.Select((_, n) => $"@s{n}"))})";
            for (var n = 0; n < chunk.Count; n++)
                delete.With($"@s{n}", chunk[n]);
            await delete.ExecuteNonQueryAsync();
        }

        foreach (var add in batch.OfType<Add>())
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"""
                INSERT INTO {_table} (queue, message_id, parked, content_type, headers, body, journaled_at)
                VALUES (@queue, @message_id, @parked, @content_type, @headers, @body, @now) RETURNING sequence_number
                """;
            var headers = add.Message.Headers.GetAll().ToList();
            insert.With("@queue", add.Queue).With("@message_id", add.Message.MessageId).With("@parked", add.Parked ? 1 : 0)
                .With("@content_type", headers.FirstOrDefault(h => h.Key == MessageHeaders.ContentType).Value?.ToString())
                .With("@headers", Serializer.SerializeDictionary(headers)).With("@body", Convert.ToBase64String(add.Message.Body)).With("@now", now);
            add.Sequence = Convert.ToInt64(await insert.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
        }

        await transaction.CommitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        await _writer;
    }

    abstract record Write;

    sealed record Add(string Queue, InMemoryTransportMessage Message, bool Parked, TaskCompletionSource<long> Stored) : Write
    {
        public long Sequence { get; set; }
    }

    sealed record Removal(long Sequence) : Write;
}
