using Dapper;

namespace Orchestration.Endpoints.Operations.FailedMessages;

/// <summary>
/// The failed messages and every failure of each, in Operations' schema. A message is one row however often it fails
/// (recognised by its message id); each failure is a row of <c>failed_message_attempts</c> keyed by the message id and
/// the fault's time, so a copy the broker delivers again after a crash is recognised and not counted twice.
/// </summary>
public sealed class FailedMessageStore(SqlStorage storage)
{
    public static readonly SchemaMigration Tables = new("operations_0001_failed_messages", (s, d) => $"""
        CREATE TABLE {s.Table("failed_messages")} (
            message_id {d.UuidType} PRIMARY KEY,
            version bigint NOT NULL,
            status text NOT NULL,
            message_type text NOT NULL,
            endpoint text NOT NULL,
            input_queue text NOT NULL,
            host text NOT NULL,
            exception_type text NOT NULL,
            exception_message text NOT NULL,
            stack_trace text NOT NULL,
            exception_group text NOT NULL,
            headers text NOT NULL,
            body text NOT NULL,
            content_type text NULL,
            first_failed_at bigint NOT NULL,
            last_failed_at bigint NOT NULL,
            times_failed integer NOT NULL,
            retry_requested_at bigint NULL,
            retried_at bigint NULL,
            resolved_at bigint NULL,
            archived_at bigint NULL,
            replaced_by {d.UuidType} NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "failed_messages_status")} ON {s.Table("failed_messages")} (status, retry_requested_at);
        CREATE TABLE {s.Table("failed_message_attempts")} (
            message_id {d.UuidType} NOT NULL,
            fault_key text NOT NULL,
            failed_at bigint NOT NULL,
            recorded_at bigint NOT NULL,
            PRIMARY KEY (message_id, fault_key)
        );
        """);

    const string Columns =
        "message_id, version, status, message_type, endpoint, input_queue, host, exception_type, exception_message, stack_trace, exception_group, " +
        "headers, body, content_type, first_failed_at, last_failed_at, times_failed, retry_requested_at, retried_at, resolved_at, archived_at, replaced_by";

    readonly string _messages = storage.Table("failed_messages");
    readonly string _attempts = storage.Table("failed_message_attempts");

    public Task<FailedMessageRecord?> FindAsync(SqlSession session, Guid messageId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<FailedMessageRecord?>(session.Command(
            $"SELECT {Columns} FROM {_messages} WHERE message_id = @messageId", new { messageId }, cancellationToken));

    /// <summary>
    /// Stores failures: for each, a new row, or its message's row failed once more (back to Unresolved, with the latest
    /// fault). Failures stored before are skipped; the rows stored or changed are returned.
    /// </summary>
    public async Task<List<FailedMessageRecord>> RecordAsync(SqlSession session, IReadOnlyList<Failure> failures, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var stored = new List<FailedMessageRecord>();
        foreach (var chunk in failures.DistinctBy(f => (f.MessageId, f.FaultKey)).Chunk(200))
        {
            var parameters = new DynamicParameters(new { now });
            var rows = chunk.Select((failure, i) =>
            {
                parameters.Add($"m{i}", failure.MessageId);
                parameters.Add($"k{i}", failure.FaultKey);
                parameters.Add($"f{i}", failure.FailedAt);
                return $"(@m{i}, @k{i}, @f{i}, @now)";
            });
            var added = (await session.Connection.QueryAsync<AttemptKey>(session.Command($"""
                INSERT INTO {_attempts} (message_id, fault_key, failed_at, recorded_at) VALUES {string.Join(", ", rows)}
                ON CONFLICT (message_id, fault_key) DO NOTHING RETURNING message_id, fault_key
                """, parameters, cancellationToken))).ToHashSet();
            // One statement per round of new failures: a message failing twice in the chunk is counted in two rounds, as one
            // statement may change a row only once.
            var fresh = chunk.Where(f => added.Contains(new AttemptKey(f.MessageId, f.FaultKey))).ToList();
            while (fresh.Count > 0)
            {
                var round = fresh.DistinctBy(f => f.MessageId).ToList();
                fresh = [.. fresh.Except(round)];
                stored.AddRange(await UpsertAsync(session, round, cancellationToken));
            }
        }

        return stored;
    }

    async Task<IEnumerable<FailedMessageRecord>> UpsertAsync(SqlSession session, List<Failure> failures, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters();
        var rows = failures.Select((f, i) =>
        {
            foreach (var (name, value) in new (string, object?)[]
            {
                ("id", f.MessageId), ("type", f.MessageType), ("endpoint", f.Endpoint), ("queue", f.InputQueue), ("host", f.Host),
                ("exception", f.ExceptionType), ("text", f.ExceptionMessage), ("stack", f.StackTrace), ("group", f.ExceptionGroup),
                ("headers", f.Headers), ("body", f.Body), ("content", f.ContentType), ("at", f.FailedAt),
            })
                parameters.Add($"{name}{i}", value);
            return $"(@id{i}, 1, '{FailedMessageStatus.Unresolved}', @type{i}, @endpoint{i}, @queue{i}, @host{i}, @exception{i}, @text{i}, @stack{i}, " +
                $"@group{i}, @headers{i}, @body{i}, @content{i}, @at{i}, @at{i}, 1, NULL, NULL, NULL, NULL, NULL)";
        });
        return await session.Connection.QueryAsync<FailedMessageRecord>(session.Command($"""
            INSERT INTO {_messages} ({Columns}) VALUES {string.Join(", ", rows)}
            ON CONFLICT (message_id) DO UPDATE SET
                version = {_messages}.version + 1, status = '{FailedMessageStatus.Unresolved}', times_failed = {_messages}.times_failed + 1,
                last_failed_at = CASE WHEN {_messages}.last_failed_at < excluded.last_failed_at THEN excluded.last_failed_at ELSE {_messages}.last_failed_at END,
                first_failed_at = CASE WHEN {_messages}.first_failed_at > excluded.first_failed_at THEN excluded.first_failed_at ELSE {_messages}.first_failed_at END,
                exception_type = excluded.exception_type, exception_message = excluded.exception_message, stack_trace = excluded.stack_trace,
                exception_group = excluded.exception_group, host = excluded.host, headers = excluded.headers, body = excluded.body,
                retry_requested_at = NULL, resolved_at = NULL, archived_at = NULL
            RETURNING {Columns}
            """, parameters, cancellationToken));
    }

    /// <summary>Marks unresolved messages for a retry; the others (resolved, archived, on their way back) are left alone.</summary>
    public Task<List<FailedMessageRecord>> RequestRetryAsync(SqlSession session, IReadOnlyList<Guid> ids, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeAsync(session, ids, $"status = '{FailedMessageStatus.RetryRequested}', retry_requested_at = @now",
            $"status = '{FailedMessageStatus.Unresolved}'", now, cancellationToken);

    public Task<List<FailedMessageRecord>> ArchiveAsync(SqlSession session, IReadOnlyList<Guid> ids, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeAsync(session, ids, $"status = '{FailedMessageStatus.Archived}', archived_at = @now",
            $"status = '{FailedMessageStatus.Unresolved}'", now, cancellationToken);

    public Task<List<FailedMessageRecord>> RestoreAsync(SqlSession session, IReadOnlyList<Guid> ids, DateTimeOffset now, CancellationToken cancellationToken) =>
        ChangeAsync(session, ids, $"status = '{FailedMessageStatus.Unresolved}', archived_at = NULL",
            $"status = '{FailedMessageStatus.Archived}'", now, cancellationToken);

    public async Task<FailedMessageRecord?> MarkSentAsync(SqlSession session, Guid id, DateTimeOffset now, CancellationToken cancellationToken) =>
        (await ChangeAsync(session, [id], $"status = '{FailedMessageStatus.RetrySent}', retried_at = @now",
            $"status = '{FailedMessageStatus.RetryRequested}'", now, cancellationToken)).SingleOrDefault();

    /// <summary>The original of an edited copy: resolved by the copy sent in its place.</summary>
    public async Task<FailedMessageRecord?> ReplaceAsync(SqlSession session, Guid id, Guid replacedBy, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_messages} SET replaced_by = @replacedBy WHERE message_id = @id AND status IN ('{FailedMessageStatus.Unresolved}', '{FailedMessageStatus.Archived}')
            """, new { id, replacedBy }, cancellationToken));
        return (await ChangeAsync(session, [id], $"status = '{FailedMessageStatus.Resolved}', resolved_at = @now, archived_at = NULL",
            $"replaced_by = @replacedBy AND status IN ('{FailedMessageStatus.Unresolved}', '{FailedMessageStatus.Archived}')", now, cancellationToken,
            new { replacedBy })).SingleOrDefault();
    }

    /// <summary>The oldest retry requests, for the dispatcher to send in order.</summary>
    public async Task<List<FailedMessageRecord>> RequestedRetriesAsync(SqlSession session, int limit, CancellationToken cancellationToken) =>
        [.. await session.Connection.QueryAsync<FailedMessageRecord>(session.Command($"""
            SELECT {Columns} FROM {_messages} WHERE status = '{FailedMessageStatus.RetryRequested}' ORDER BY retry_requested_at, message_id LIMIT {limit}
            """, null, cancellationToken))];

    /// <summary>Retried messages that have not come back to an error queue since <paramref name="sentBefore"/>: resolved.</summary>
    public async Task<List<FailedMessageRecord>> ResolveRetriedAsync(SqlSession session, DateTimeOffset sentBefore, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var ids = (await session.Connection.QueryAsync<Guid>(session.Command($"""
            SELECT message_id FROM {_messages} WHERE status = '{FailedMessageStatus.RetrySent}' AND retried_at < @sentBefore LIMIT 500
            """, new { sentBefore }, cancellationToken))).ToList();
        return await ChangeAsync(session, ids, $"status = '{FailedMessageStatus.Resolved}', resolved_at = @now",
            $"status = '{FailedMessageStatus.RetrySent}'", now, cancellationToken);
    }

    /// <summary>Unresolved messages that failed last before <paramref name="failedBefore"/>, or whose type is on the list: archived.</summary>
    public async Task<List<FailedMessageRecord>> AutoArchiveAsync(SqlSession session, DateTimeOffset? failedBefore, IReadOnlyList<string> messageTypes,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new DynamicParameters(new { before = failedBefore ?? DateTimeOffset.FromUnixTimeMilliseconds(0) });
        var ids = (await session.Connection.QueryAsync<Guid>(session.Command($"""
            SELECT message_id FROM {_messages} WHERE status = '{FailedMessageStatus.Unresolved}'
              AND (last_failed_at < @before OR message_type IN {In(parameters, "type", messageTypes)}) LIMIT 500
            """, parameters, cancellationToken))).ToList();
        return await ArchiveAsync(session, ids, now, cancellationToken);
    }

    /// <summary>Deletes archived and resolved messages, and their failures, once their retention has run out.</summary>
    public async Task<List<Guid>> DeleteExpiredAsync(SqlSession session, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var ids = (await session.Connection.QueryAsync<Guid>(session.Command($"""
            SELECT message_id FROM {_messages}
            WHERE (status = '{FailedMessageStatus.Archived}' AND archived_at < @before) OR (status = '{FailedMessageStatus.Resolved}' AND resolved_at < @before)
            LIMIT 500
            """, new { before }, cancellationToken))).ToList();
        if (ids.Count == 0)
            return ids;
        var parameters = new DynamicParameters();
        var list = In(parameters, "id", ids);
        await session.Connection.ExecuteAsync(session.Command($"DELETE FROM {_attempts} WHERE message_id IN {list}", parameters, cancellationToken));
        await session.Connection.ExecuteAsync(session.Command($"DELETE FROM {_messages} WHERE message_id IN {list}", parameters, cancellationToken));
        return ids;
    }

    async Task<List<FailedMessageRecord>> ChangeAsync(SqlSession session, IReadOnlyList<Guid> ids, string set, string when, DateTimeOffset now,
        CancellationToken cancellationToken, object? extra = null)
    {
        var changed = new List<FailedMessageRecord>();
        foreach (var chunk in ids.Distinct().Chunk(200))
        {
            var parameters = new DynamicParameters(extra);
            parameters.Add("now", now);
            changed.AddRange(await session.Connection.QueryAsync<FailedMessageRecord>(session.Command($"""
                UPDATE {_messages} SET {set}, version = version + 1 WHERE message_id IN {In(parameters, "id", chunk)} AND {when} RETURNING {Columns}
                """, parameters, cancellationToken)));
        }

        return changed;
    }

    // A list of parameters, one per value, the same on both engines ("(NULL)" matches nothing).
    static string In<T>(DynamicParameters parameters, string name, IEnumerable<T> values)
    {
        var names = values.Select((value, i) =>
        {
            parameters.Add($"{name}{i}", value);
            return $"@{name}{i}";
        }).ToList();
        return names.Count == 0 ? "(NULL)" : $"({string.Join(", ", names)})";
    }

    sealed record AttemptKey(Guid MessageId, string FaultKey);
}
