using Dapper;
using Orchestration.Messages.Operations;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// A failed message in a list: what failed, where, when and how often, without its body; the conversation it belongs to,
/// and the saga instance it was applied to when a saga failed on it (see <c>/api/operations/sagas/{type}/{id}</c>).
/// </summary>
public sealed record FailedMessageSummary(
    Guid MessageId, string Status, string MessageType, string Endpoint, string InputQueue, string Host, string ExceptionType, string ExceptionMessage,
    string ExceptionGroup, DateTimeOffset FirstFailedAt, DateTimeOffset LastFailedAt, int TimesFailed, DateTimeOffset? RetriedAt,
    DateTimeOffset? ResolvedAt, DateTimeOffset? ArchivedAt, DateTimeOffset? ExpiresAt, Guid? ReplacedBy, Guid? ConversationId, string? SagaType,
    Guid? SagaId);

/// <summary>A failed message with its headers, body and stack trace.</summary>
public sealed record FailedMessageDetail(FailedMessageSummary Message, IReadOnlyDictionary<string, string> Headers, string Body, string StackTrace);

/// <summary>
/// Failed messages sharing a classifier's value: <see cref="Count"/> still unresolved, <see cref="Retrying"/> on their way
/// back to their queue, first and last failure, and the operators' note.
/// </summary>
public sealed record FailedMessageGroup(string Classifier, string GroupKey, string Title, long Count, long Retrying, DateTimeOffset FirstFailedAt,
    DateTimeOffset LastFailedAt, string? Note);

public sealed record OperationsAuditEntry(long AuditId, DateTimeOffset At, string Actor, string Action, string Target, int MessageCount);

/// <summary>A row of the view as stored, for the reads that need the body.</summary>
sealed record FailedMessageRow(
    Guid MessageId, string Status, string MessageType, string Endpoint, string InputQueue, string Host, string ExceptionType, string ExceptionMessage,
    string ExceptionGroup, DateTimeOffset FirstFailedAt, DateTimeOffset LastFailedAt, int TimesFailed, DateTimeOffset? RetriedAt,
    DateTimeOffset? ResolvedAt, DateTimeOffset? ArchivedAt, DateTimeOffset? ExpiresAt, Guid? ReplacedBy, Guid? ConversationId, string? SagaType,
    Guid? SagaId, string Headers, string Body, string StackTrace)
{
    public FailedMessageSummary Summary => new(MessageId, Status, MessageType, Endpoint, InputQueue, Host, ExceptionType, ExceptionMessage, ExceptionGroup,
        FirstFailedAt, LastFailedAt, TimesFailed, RetriedAt, ResolvedAt, ArchivedAt, ExpiresAt, ReplacedBy, ConversationId, SagaType, SagaId);
}

/// <summary>Which failed messages a list, an export or a bulk action is about; every part is optional.</summary>
public sealed record FailedMessageFilter(
    string? Status = null, DateTimeOffset? From = null, DateTimeOffset? To = null, string? Endpoint = null, string? MessageType = null, string? Text = null,
    string? GroupBy = null, string? GroupKey = null);

/// <summary>
/// The Gateway's copy of Operations' failed messages, projected from <see cref="FailedMessageChanged"/> (each event is the
/// whole record, the highest version wins), the operators' group notes and the audit of their actions. The Gateway reads
/// only its own schema: Operations owns the messages and acts on them when the Gateway sends it a command.
/// </summary>
public sealed class OperationsReadModel(SqlStorage storage)
{
    public static readonly SchemaMigration Tables = new("gateway_operations_0001_failed_messages", (s, d) => $"""
        CREATE TABLE {s.Table("failed_message_view")} (
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
            search_text text NOT NULL,
            first_failed_at bigint NOT NULL,
            last_failed_at bigint NOT NULL,
            times_failed integer NOT NULL,
            retried_at bigint NULL,
            resolved_at bigint NULL,
            archived_at bigint NULL,
            expires_at bigint NULL,
            replaced_by {d.UuidType} NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "failed_message_view_status")} ON {s.Table("failed_message_view")} (status, last_failed_at);
        CREATE TABLE {s.Table("failed_message_group_note")} (
            group_by text NOT NULL,
            group_key text NOT NULL,
            note text NOT NULL,
            noted_by text NOT NULL,
            noted_at bigint NOT NULL,
            PRIMARY KEY (group_by, group_key)
        );
        CREATE TABLE {s.Table("operations_audit")} (
            audit_id {d.IdentityColumn},
            at bigint NOT NULL,
            actor text NOT NULL,
            action text NOT NULL,
            target text NOT NULL,
            message_count integer NOT NULL
        );
        """);

    /// <summary>How failed messages can be grouped, and the column (or expression) each groups by.</summary>
    public static readonly IReadOnlyDictionary<string, string> Classifiers = new Dictionary<string, string>
    {
        ["exception"] = "exception_group",
        ["message-type"] = "message_type",
        ["endpoint"] = "endpoint",
        ["instance"] = "endpoint || '@' || host",
        ["queue"] = "input_queue",
    };

    public static readonly IReadOnlyList<string> Statuses = ["Unresolved", "RetryRequested", "RetrySent", "Resolved", "Archived"];

    const string SummaryColumns =
        "message_id, status, message_type, endpoint, input_queue, host, exception_type, exception_message, exception_group, first_failed_at, " +
        "last_failed_at, times_failed, retried_at, resolved_at, archived_at, expires_at, replaced_by, conversation_id, saga_type, saga_id";

    readonly string _messages = storage.Table("failed_message_view");
    readonly string _notes = storage.Table("failed_message_group_note");
    readonly string _audit = storage.Table("operations_audit");

    public async Task ChangedAsync(SqlSession session, FailedMessageChanged m, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_messages} (message_id, version, status, message_type, endpoint, input_queue, host, exception_type, exception_message,
                stack_trace, exception_group, headers, body, search_text, first_failed_at, last_failed_at, times_failed, retried_at, resolved_at,
                archived_at, expires_at, replaced_by, conversation_id, saga_type, saga_id)
            VALUES (@MessageId, @Version, @Status, @MessageType, @Endpoint, @InputQueue, @Host, @ExceptionType, @ExceptionMessage, @StackTrace,
                @ExceptionGroup, @Headers, @Body, @SearchText, @FirstFailedAt, @LastFailedAt, @TimesFailed, @RetriedAt, @ResolvedAt, @ArchivedAt,
                @ExpiresAt, @ReplacedBy, @ConversationId, @SagaType, @SagaId)
            ON CONFLICT (message_id) DO UPDATE SET version = @Version, status = @Status, host = @Host, exception_type = @ExceptionType,
                exception_message = @ExceptionMessage, stack_trace = @StackTrace, exception_group = @ExceptionGroup, headers = @Headers, body = @Body,
                search_text = @SearchText, first_failed_at = @FirstFailedAt, last_failed_at = @LastFailedAt, times_failed = @TimesFailed,
                retried_at = @RetriedAt, resolved_at = @ResolvedAt, archived_at = @ArchivedAt, expires_at = @ExpiresAt, replaced_by = @ReplacedBy,
                conversation_id = @ConversationId, saga_type = @SagaType, saga_id = @SagaId
            WHERE {_messages}.version < @Version
            """, new
        {
            m.MessageId, m.Version, m.Status, m.MessageType, m.Endpoint, m.InputQueue, m.Host, m.ExceptionType, m.ExceptionMessage, m.StackTrace,
            m.ExceptionGroup, Headers = System.Text.Json.JsonSerializer.Serialize(m.Headers), m.Body,
            SearchText = $"{m.ExceptionType}\n{m.ExceptionMessage}\n{m.Body}".ToLowerInvariant(), m.FirstFailedAt, m.LastFailedAt, m.TimesFailed,
            m.RetriedAt, m.ResolvedAt, m.ArchivedAt, m.ExpiresAt, m.ReplacedBy, ConversationId = ConversationOf(m),
            SagaType = m.Headers.GetValueOrDefault(SagaAuditHeaders.SagaType),
            SagaId = Guid.TryParse(m.Headers.GetValueOrDefault(SagaAuditHeaders.SagaId), out var sagaId) ? sagaId : (Guid?)null,
        }, cancellationToken));

    // MassTransit's envelope carries the conversation in the body; a transport header, when there is one, says the same.
    static Guid? ConversationOf(FailedMessageChanged m)
    {
        if (m.Headers.TryGetValue("ConversationId", out var header) && Guid.TryParse(header, out var fromHeader))
            return fromHeader;
        try
        {
            using var body = System.Text.Json.JsonDocument.Parse(m.Body);
            return body.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && body.RootElement.TryGetProperty("conversationId", out var conversation) && conversation.TryGetGuid(out var id)
                ? id
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The failed messages of one conversation, or of one saga instance, last failure first (up to <paramref name="limit"/>).</summary>
    public async Task<List<FailedMessageSummary>> LinkedAsync(SqlSession session, Guid? conversationId, (string Type, Guid Id)? saga, int limit,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        [.. await session.Connection.QueryAsync<FailedMessageSummary>(session.Command($"""
            SELECT {SummaryColumns} FROM {_messages}
            WHERE (expires_at IS NULL OR expires_at > @now) AND {(conversationId is null ? "saga_type = @sagaType AND saga_id = @sagaId" : "conversation_id = @conversationId")}
            ORDER BY last_failed_at DESC, message_id LIMIT {limit}
            """, new { now, conversationId, sagaType = saga?.Type, sagaId = saga?.Id }, cancellationToken))];

    // Expired messages are gone from Operations; their copies here are hidden from then on.
    (string Where, DynamicParameters Parameters) Where(FailedMessageFilter filter, DateTimeOffset now)
    {
        var clauses = new List<string> { "(expires_at IS NULL OR expires_at > @now)" };
        var parameters = new DynamicParameters(new { now });
        if (filter.Status is { } status)
        {
            clauses.Add("status = @status");
            parameters.Add("status", status);
        }

        if (filter.From is { } from)
        {
            clauses.Add("last_failed_at >= @from");
            parameters.Add("from", from);
        }

        if (filter.To is { } to)
        {
            clauses.Add("last_failed_at < @to");
            parameters.Add("to", to);
        }

        if (filter.Endpoint is { } endpoint)
        {
            clauses.Add("endpoint = @endpoint");
            parameters.Add("endpoint", endpoint);
        }

        if (filter.MessageType is { } messageType)
        {
            clauses.Add("message_type = @messageType");
            parameters.Add("messageType", messageType);
        }

        if (filter.Text is { Length: > 0 } text)
        {
            clauses.Add("search_text LIKE @text ESCAPE '\\'");
            parameters.Add("text", "%" + text.ToLowerInvariant().Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%");
        }

        if (filter.GroupBy is { } by && Classifiers.TryGetValue(by, out var column) && filter.GroupKey is { } key)
        {
            clauses.Add($"{column} = @groupKey");
            parameters.Add("groupKey", key);
        }

        return (string.Join(" AND ", clauses), parameters);
    }

    public Task<Page<FailedMessageSummary>> ListAsync(SqlSession session, FailedMessageFilter filter, Paging paging, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(filter, now);
        return session.QueryPageAsync<FailedMessageSummary>(
            $"SELECT {SummaryColumns} FROM {_messages} WHERE {where} ORDER BY last_failed_at DESC, message_id LIMIT @limit OFFSET @offset",
            $"SELECT COUNT(*) FROM {_messages} WHERE {where}", parameters, paging, cancellationToken);
    }

    /// <summary>Every message the filter selects (up to <paramref name="limit"/>), with its body, oldest failure first: for exports.</summary>
    public async Task<List<(FailedMessageSummary Summary, string Body)>> ExportAsync(SqlSession session, FailedMessageFilter filter, int limit,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(filter, now);
        var rows = await session.Connection.QueryAsync<FailedMessageRow>(session.Command(
            $"SELECT {SummaryColumns}, headers, body, stack_trace FROM {_messages} WHERE {where} ORDER BY last_failed_at, message_id LIMIT {limit}",
            parameters, cancellationToken));
        return [.. rows.Select(r => (r.Summary, r.Body))];
    }

    /// <summary>The ids of the messages the filter selects, up to <paramref name="limit"/>.</summary>
    public async Task<List<Guid>> IdsAsync(SqlSession session, FailedMessageFilter filter, int limit, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var (where, parameters) = Where(filter, now);
        return [.. await session.Connection.QueryAsync<Guid>(session.Command(
            $"SELECT message_id FROM {_messages} WHERE {where} ORDER BY last_failed_at, message_id LIMIT {limit}", parameters, cancellationToken))];
    }

    /// <summary>Those of <paramref name="ids"/> whose messages are in <paramref name="status"/>.</summary>
    public async Task<List<Guid>> InStatusAsync(SqlSession session, IReadOnlyList<Guid> ids, string status, CancellationToken cancellationToken)
    {
        var found = new List<Guid>();
        foreach (var chunk in ids.Chunk(500))
        {
            var parameters = new DynamicParameters(new { status });
            for (var i = 0; i < chunk.Length; i++)
                parameters.Add($"id{i}", chunk[i]);
            found.AddRange(await session.Connection.QueryAsync<Guid>(session.Command($"""
                SELECT message_id FROM {_messages} WHERE status = @status AND message_id IN ({string.Join(", ", chunk.Select((_, i) => $"@id{i}"))})
                """, parameters, cancellationToken)));
        }

        return found;
    }

    public async Task<FailedMessageDetail?> FindAsync(SqlSession session, Guid messageId, CancellationToken cancellationToken)
    {
        var row = await session.Connection.QuerySingleOrDefaultAsync<FailedMessageRow>(session.Command(
            $"SELECT {SummaryColumns}, headers, body, stack_trace FROM {_messages} WHERE message_id = @messageId", new { messageId }, cancellationToken));
        return row is null ? null : new FailedMessageDetail(row.Summary,
            System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string>>(row.Headers) ?? [], row.Body, row.StackTrace);
    }

    /// <summary>The groups of messages still unresolved or on their way back, by one classifier, largest first.</summary>
    public async Task<List<FailedMessageGroup>> GroupsAsync(SqlSession session, string by, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var column = Classifiers[by];
        var rows = await session.Connection.QueryAsync<GroupRow>(session.Command($"""
            SELECT g.group_key AS GroupKey, g.title AS Title, g.count AS Count, g.retrying AS Retrying, g.first_failed_at AS FirstFailedAt,
                   g.last_failed_at AS LastFailedAt, n.note AS Note
            FROM (
                SELECT {column} AS group_key, MIN(exception_type) AS title,
                       SUM(CASE WHEN status = 'Unresolved' THEN 1 ELSE 0 END) AS count,
                       SUM(CASE WHEN status IN ('RetryRequested', 'RetrySent') THEN 1 ELSE 0 END) AS retrying,
                       MIN(first_failed_at) AS first_failed_at, MAX(last_failed_at) AS last_failed_at
                FROM {_messages} WHERE status IN ('Unresolved', 'RetryRequested', 'RetrySent') AND (expires_at IS NULL OR expires_at > @now)
                GROUP BY {column}
            ) g LEFT JOIN {_notes} n ON n.group_by = @by AND n.group_key = g.group_key
            ORDER BY g.count DESC, g.last_failed_at DESC
            """, new { by, now }, cancellationToken));
        return [.. rows.Select(r => new FailedMessageGroup(by, r.GroupKey, r.Title, r.Count, r.Retrying,
            DateTimeOffset.FromUnixTimeMilliseconds(r.FirstFailedAt), DateTimeOffset.FromUnixTimeMilliseconds(r.LastFailedAt), r.Note))];
    }

    // Aggregates have no declared type on SQLite: read into settable members, which Dapper converts row by row.
    sealed class GroupRow
    {
        public string GroupKey { get; set; } = "";
        public string Title { get; set; } = "";
        public long Count { get; set; }
        public long Retrying { get; set; }
        public long FirstFailedAt { get; set; }
        public long LastFailedAt { get; set; }
        public string? Note { get; set; }
    }

    public async Task NoteAsync(SqlSession session, string by, string key, string note, string actor, DateTimeOffset now, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_notes} (group_by, group_key, note, noted_by, noted_at) VALUES (@by, @key, @note, @actor, @now)
            ON CONFLICT (group_by, group_key) DO UPDATE SET note = @note, noted_by = @actor, noted_at = @now
            """, new { by, key, note, actor, now }, cancellationToken));

    /// <summary>Records an operator's action, in the transaction of the command it sends.</summary>
    public async Task AuditAsync(SqlSession session, string actor, string action, string target, int messageCount, DateTimeOffset at,
        CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_audit} (at, actor, action, target, message_count) VALUES (@at, @actor, @action, @target, @messageCount)
            """, new { at, actor, action, target, messageCount }, cancellationToken));

    public Task<Page<OperationsAuditEntry>> AuditLogAsync(SqlSession session, Paging paging, CancellationToken cancellationToken) =>
        session.QueryPageAsync<OperationsAuditEntry>(
            $"SELECT audit_id, at, actor, action, target, message_count FROM {_audit} ORDER BY audit_id DESC LIMIT @limit OFFSET @offset",
            $"SELECT COUNT(*) FROM {_audit}", null, paging, cancellationToken);
}
