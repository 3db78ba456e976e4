using System.Globalization;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// The failed-message workbench under <c>/api/operations</c>. Reads come from the Gateway's projection of Operations'
/// failed messages (<see cref="OperationsReadModel"/>): every endpoint owns its schema, and the Gateway never calls
/// another endpoint over HTTP. An action becomes a command to Operations through the bus outbox, in the transaction that
/// also writes its audit entry, so an accepted action is never lost and never unaudited; Operations carries it out
/// (retries at its configured rate) and the list shows the progress as its events arrive. Any staff member reads;
/// operators and admins retry, archive and restore; only admins edit &amp; retry.
/// </summary>
static class OperationsApi
{
    static readonly Uri FailedMessages = new($"queue:{CommandRoutes.FailedMessages}");

    /// <summary>The most messages one action or export takes; narrow the filter for more.</summary>
    public const int MaxMessagesPerAction = 10_000;

    const int MaxBodyLength = 256 * 1024;
    const int CommandChunk = 500;

    public static void Map(RouteGroupBuilder api)
    {
        var read = api.MapGroup("/operations").WithTags("Operations").RequireAuthorization(GatewayPolicies.Staff);
        var act = api.MapGroup("/operations").WithTags("Operations").RequireAuthorization(GatewayPolicies.Operations);

        read.MapGet("/failed-messages", ListAsync).WithName("ListFailedMessages")
            .WithSummary("Failed messages, last failure first; filter by status, from/to (last failure), endpoint, messageType, q (text in body or exception) or a group (groupBy, groupKey).")
            .ProducesValidationProblem();
        read.MapGet("/failed-messages/export", ExportAsync).WithName("ExportFailedMessages")
            .WithSummary($"The failed messages the same filters select, as CSV (at most {MaxMessagesPerAction}).").ProducesValidationProblem();
        read.MapGet("/failed-messages/{id:guid}", GetAsync).WithName("GetFailedMessage")
            .WithSummary("A failed message with its headers, body and stack trace.").ProducesProblem(StatusCodes.Status404NotFound);
        read.MapGet("/groups", GroupsAsync).WithName("ListFailedMessageGroups")
            .WithSummary("Groups of unresolved failed messages by=exception (type and normalised stack trace, the default), message-type, endpoint, instance or queue.")
            .ProducesValidationProblem();
        read.MapGet("/audit", AuditAsync).WithName("ListOperationsAudit")
            .WithSummary("Every operator action on failed messages, newest first: who, when, what and how many messages.").ProducesValidationProblem();
        SagaAuditApi.Map(read);

        act.MapPost("/failed-messages/{id:guid}/retry", RetryOneAsync).WithName("RetryFailedMessage")
            .WithSummary("Sends one failed message back to its queue; 202. Progress shows in its status.").ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        act.MapPost("/failed-messages/retry", RetryAsync).WithName("RetryFailedMessages")
            .WithSummary("Retries a selection (messageIds) or every unresolved message a filter selects (from, to, endpoint, messageType, q); 202 with the count.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        act.MapPost("/failed-messages/archive", ArchiveAsync).WithName("ArchiveFailedMessages")
            .WithSummary("Archives a selection or the unresolved messages a filter selects; they are deleted when their retention runs out.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        act.MapPost("/failed-messages/restore", RestoreAsync).WithName("RestoreFailedMessages")
            .WithSummary("Restores archived messages (a selection or a filter) to unresolved.").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        act.MapPost("/groups/retry", RetryGroupAsync).WithName("RetryFailedMessageGroup")
            .WithSummary("Retries every unresolved message of a group (by, key); 202 with the count.").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        act.MapPost("/groups/archive", ArchiveGroupAsync).WithName("ArchiveFailedMessageGroup")
            .WithSummary("Archives every unresolved message of a group (by, key).").ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        act.MapPut("/groups/note", NoteAsync).WithName("NoteFailedMessageGroup")
            .WithSummary("Sets the operators' note of a group (by, key, note; an empty note clears it).").ProducesValidationProblem();
        api.MapPost("/operations/failed-messages/{id:guid}/edit-and-retry", EditAndRetryAsync).WithTags("Operations").WithName("EditAndRetryFailedMessage")
            .RequireAuthorization(GatewayPolicies.Admin)
            .WithSummary("Admins only: sends an edited copy (new message id, edited body or non-critical headers) to the message's queue; the original is resolved.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public sealed record SelectionFilter(DateTimeOffset? From, DateTimeOffset? To, string? Endpoint, string? MessageType, string? Q);

    /// <summary>Either <see cref="MessageIds"/> or <see cref="Filter"/>.</summary>
    public sealed record SelectionRequest(IReadOnlyList<Guid>? MessageIds, SelectionFilter? Filter);

    public sealed record GroupRequest(string? By, string? Key);

    public sealed record GroupNoteRequest(string? By, string? Key, string? Note);

    public sealed record EditAndRetryRequest(string? Body, IReadOnlyDictionary<string, string>? Headers);

    public sealed record ActionAccepted(Guid RequestId, int MessageCount);

    public sealed record EditAccepted(Guid RequestId, Guid MessageId);

    static FailedMessageFilter? Filter(Dictionary<string, string[]> errors, string? status, DateTimeOffset? from, DateTimeOffset? to, string? endpoint,
        string? messageType, string? q, string? groupBy, string? groupKey)
    {
        var known = ApiProblems.OneOf(errors, "status", status, OperationsReadModel.Statuses);
        var by = ApiProblems.OneOf(errors, "groupBy", groupBy, [.. OperationsReadModel.Classifiers.Keys]);
        if ((by is null) != string.IsNullOrEmpty(groupKey))
            errors["groupKey"] = ["groupBy and groupKey go together."];
        if (from is not null && to is not null && from >= to)
            errors["to"] = ["to is after from."];
        FieldRules.Text(errors, "q", q, 200, "A search text", required: false);
        FieldRules.Text(errors, "endpoint", endpoint, 200, "An endpoint", required: false);
        FieldRules.Text(errors, "messageType", messageType, 500, "A message type", required: false);
        FieldRules.Text(errors, "groupKey", groupKey, 1000, "A group key", required: false);
        return errors.Count > 0 ? null : new FailedMessageFilter(known, from, to, Empty(endpoint), Empty(messageType), Empty(q), by, by is null ? null : groupKey);
    }

    static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    public static async Task<Results<Ok<Page<FailedMessageSummary>>, ValidationProblem>> ListAsync(string? status, DateTimeOffset? from,
        DateTimeOffset? to, string? endpoint, string? messageType, string? q, string? groupBy, string? groupKey, int? limit, int? offset,
        SqlSession session, OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var filter = Filter(errors, status, from, to, endpoint, messageType, q, groupBy, groupKey);
        var paging = ApiProblems.Paging(limit, offset, errors);
        if (filter is null || paging is null)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await session.ReadAsync(() => operations.ListAsync(session, filter, paging, time.GetUtcNow(), cancellationToken),
            cancellationToken));
    }

    public static async Task<Results<FileContentHttpResult, ValidationProblem>> ExportAsync(string? status, DateTimeOffset? from, DateTimeOffset? to,
        string? endpoint, string? messageType, string? q, string? groupBy, string? groupKey, SqlSession session, OperationsReadModel operations,
        TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (Filter(errors, status, from, to, endpoint, messageType, q, groupBy, groupKey) is not { } filter)
            return TypedResults.ValidationProblem(errors);
        var rows = await session.ReadAsync(() => operations.ExportAsync(session, filter, MaxMessagesPerAction, time.GetUtcNow(), cancellationToken),
            cancellationToken);
        var csv = new StringBuilder("message_id,status,message_type,endpoint,input_queue,host,exception_type,exception_message,first_failed_at,last_failed_at,times_failed,body\r\n");
        foreach (var (m, body) in rows)
            csv.AppendJoin(',', [.. new[]
            {
                m.MessageId.ToString(), m.Status, m.MessageType, m.Endpoint, m.InputQueue, m.Host, m.ExceptionType, m.ExceptionMessage,
                m.FirstFailedAt.ToString("O", CultureInfo.InvariantCulture), m.LastFailedAt.ToString("O", CultureInfo.InvariantCulture),
                m.TimesFailed.ToString(CultureInfo.InvariantCulture), body,
            }.Select(Csv)]).Append("\r\n");
        return TypedResults.File(Encoding.UTF8.GetBytes(csv.ToString()), "text/csv; charset=utf-8", "failed-messages.csv");
    }

    // Quoted, and a leading formula character neutralised, so a spreadsheet shows a message's text and never runs it.
    static string Csv(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0], StringComparison.Ordinal))
            value = "'" + value;
        return "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    public static async Task<Results<Ok<FailedMessageDetail>, ProblemHttpResult>> GetAsync(Guid id, SqlSession session, OperationsReadModel operations,
        CancellationToken cancellationToken) =>
        await session.ReadAsync(() => operations.FindAsync(session, id, cancellationToken), cancellationToken) is { } found
            ? TypedResults.Ok(found)
            : ApiProblems.NotFound("Failed message", id);

    public static async Task<Results<Ok<List<FailedMessageGroup>>, ValidationProblem>> GroupsAsync(string? by, SqlSession session,
        OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var classifier = ApiProblems.OneOf(errors, "by", by, [.. OperationsReadModel.Classifiers.Keys]) ?? "exception";
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await session.ReadAsync(() => operations.GroupsAsync(session, classifier, time.GetUtcNow(), cancellationToken),
            cancellationToken));
    }

    public static async Task<Results<Ok<Page<OperationsAuditEntry>>, ValidationProblem>> AuditAsync(int? limit, int? offset, SqlSession session,
        OperationsReadModel operations, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (ApiProblems.Paging(limit, offset, errors) is not { } paging)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await session.ReadAsync(() => operations.AuditLogAsync(session, paging, cancellationToken), cancellationToken));
    }

    public static async Task<Results<Accepted<ActionAccepted>, ProblemHttpResult>> RetryOneAsync(Guid id, ClaimsPrincipal user, SqlSession session,
        BusOutbox outbox, OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken)
    {
        var found = await session.ReadAsync(() => operations.FindAsync(session, id, cancellationToken), cancellationToken);
        if (found is null)
            return ApiProblems.NotFound("Failed message", id);
        if (found.Message.Status != "Unresolved")
            return ApiProblems.Conflict("Not retried", $"Failed message {id} is {found.Message.Status}: only unresolved messages are retried.");
        return await ActAsync("retry", id.ToString(), [id], user, session, outbox, operations, time, cancellationToken);
    }

    public static Task<Results<Accepted<ActionAccepted>, ValidationProblem, ProblemHttpResult>> RetryAsync(SelectionRequest request, ClaimsPrincipal user,
        SqlSession session, BusOutbox outbox, OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken) =>
        SelectionAsync("retry", "Unresolved", request, user, session, outbox, operations, time, cancellationToken);

    public static Task<Results<Accepted<ActionAccepted>, ValidationProblem, ProblemHttpResult>> ArchiveAsync(SelectionRequest request, ClaimsPrincipal user,
        SqlSession session, BusOutbox outbox, OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken) =>
        SelectionAsync("archive", "Unresolved", request, user, session, outbox, operations, time, cancellationToken);

    public static Task<Results<Accepted<ActionAccepted>, ValidationProblem, ProblemHttpResult>> RestoreAsync(SelectionRequest request, ClaimsPrincipal user,
        SqlSession session, BusOutbox outbox, OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken) =>
        SelectionAsync("restore", "Archived", request, user, session, outbox, operations, time, cancellationToken);

    public static Task<Results<Accepted<ActionAccepted>, ValidationProblem, ProblemHttpResult>> RetryGroupAsync(GroupRequest request, ClaimsPrincipal user,
        SqlSession session, BusOutbox outbox, OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken) =>
        GroupActionAsync("retry", request, user, session, outbox, operations, time, cancellationToken);

    public static Task<Results<Accepted<ActionAccepted>, ValidationProblem, ProblemHttpResult>> ArchiveGroupAsync(GroupRequest request, ClaimsPrincipal user,
        SqlSession session, BusOutbox outbox, OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken) =>
        GroupActionAsync("archive", request, user, session, outbox, operations, time, cancellationToken);

    static string? GroupBy(Dictionary<string, string[]> errors, string? by, string? key)
    {
        var classifier = ApiProblems.OneOf(errors, "by", by, [.. OperationsReadModel.Classifiers.Keys]);
        if (by is null)
            errors["by"] = [$"by is one of {string.Join(", ", OperationsReadModel.Classifiers.Keys)}."];
        FieldRules.Text(errors, "key", key, 1000, "A group key");
        return classifier;
    }

    static async Task<Results<Accepted<ActionAccepted>, ValidationProblem, ProblemHttpResult>> GroupActionAsync(string action, GroupRequest request, ClaimsPrincipal user,
        SqlSession session, BusOutbox outbox, OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (GroupBy(errors, request.By, request.Key) is not { } by || errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        var filter = new FailedMessageFilter(Status: "Unresolved", GroupBy: by, GroupKey: request.Key);
        var ids = await session.ReadAsync(() => operations.IdsAsync(session, filter, MaxMessagesPerAction, time.GetUtcNow(), cancellationToken),
            cancellationToken);
        if (ids.Count == 0)
            return ApiProblems.UnprocessableField("key", "Empty group", $"No unresolved failed message is in the {by} group '{request.Key}'.");
        return await ActAsync($"{action} group", $"{by}:{request.Key}", ids, user, session, outbox, operations, time, cancellationToken);
    }

    static async Task<Results<Accepted<ActionAccepted>, ValidationProblem, ProblemHttpResult>> SelectionAsync(string action, string status, SelectionRequest request,
        ClaimsPrincipal user, SqlSession session, BusOutbox outbox, OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if ((request.MessageIds is null) == (request.Filter is null))
            errors["messageIds"] = ["Give either messageIds or a filter."];
        else if (request.MessageIds is { Count: 0 or > MaxMessagesPerAction })
            errors["messageIds"] = [$"From 1 to {MaxMessagesPerAction} message ids."];
        var filter = request.Filter is { } f
            ? Filter(errors, status, f.From, f.To, f.Endpoint, f.MessageType, f.Q, null, null)
            : null;
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var ids = filter is not null
            ? await session.ReadAsync(() => operations.IdsAsync(session, filter, MaxMessagesPerAction, time.GetUtcNow(), cancellationToken),
                cancellationToken)
            : await session.ReadAsync(() => operations.InStatusAsync(session, [.. request.MessageIds!.Distinct()], status, cancellationToken),
                cancellationToken);
        if (ids.Count == 0)
            return ApiProblems.UnprocessableField(filter is null ? "messageIds" : "filter", "Nothing to " + action,
                $"No {status.ToLowerInvariant()} failed message is {(filter is null ? "among the messageIds" : "selected by the filter")}.");
        var target = filter is null ? "selection" : $"filter from={filter.From:O} to={filter.To:O} endpoint={filter.Endpoint} messageType={filter.MessageType} q={filter.Text}";
        return await ActAsync(action, target, ids, user, session, outbox, operations, time, cancellationToken);
    }

    /// <summary>The command for Operations and its audit entry, committed together; a long list goes as several commands.</summary>
    static async Task<Accepted<ActionAccepted>> ActAsync(string action, string target, IReadOnlyList<Guid> ids, ClaimsPrincipal user, SqlSession session,
        BusOutbox outbox, OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken)
    {
        var requestId = MassTransit.NewId.NextGuid();
        var actor = StaffMember.NameOf(user);
        var now = time.GetUtcNow();
        await session.BeginAsync(cancellationToken);
        await operations.AuditAsync(session, actor, action, target, ids.Count, now, cancellationToken);
        foreach (var chunk in ids.Chunk(CommandChunk))
        {
            if (action.StartsWith("retry", StringComparison.Ordinal))
                await outbox.Send(FailedMessages, new RetryFailedMessages { RequestId = requestId, MessageIds = chunk, RequestedBy = actor, RequestedAt = now },
                    cancellationToken);
            else
                await outbox.Send(FailedMessages, new ArchiveFailedMessages
                {
                    RequestId = requestId, MessageIds = chunk, Restore = action == "restore", RequestedBy = actor, RequestedAt = now,
                }, cancellationToken);
        }

        await session.CommitAsync(cancellationToken);
        return TypedResults.Accepted((string?)null, new ActionAccepted(requestId, ids.Count));
    }

    public static async Task<Results<NoContent, ValidationProblem>> NoteAsync(GroupNoteRequest request, ClaimsPrincipal user, SqlSession session,
        OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var by = GroupBy(errors, request.By, request.Key);
        if (request.Note is null)
            errors["note"] = ["A note of at most 2000 characters (empty clears it)."];
        else if (request.Note.Length > 0)
            FieldRules.Text(errors, "note", request.Note, 2000, "A note");
        if (by is null || errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var actor = StaffMember.NameOf(user);
        var now = time.GetUtcNow();
        await session.BeginAsync(cancellationToken);
        await operations.NoteAsync(session, by, request.Key!, request.Note!.Trim(), actor, now, cancellationToken);
        await operations.AuditAsync(session, actor, "note group", $"{by}:{request.Key}", 0, now, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.NoContent();
    }

    public static async Task<Results<Accepted<EditAccepted>, ValidationProblem, ProblemHttpResult>> EditAndRetryAsync(Guid id, EditAndRetryRequest request,
        ClaimsPrincipal user, SqlSession session, BusOutbox outbox, OperationsReadModel operations, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (request.Body is not { Length: > 0 and <= MaxBodyLength })
            errors["body"] = [$"The edited body, 1 to {MaxBodyLength} characters."];
        else if (!IsStorable(request.Body))
            errors["body"] = ["The edited body cannot contain NUL characters or half of a surrogate pair."];
        if (request.Headers?.Keys.FirstOrDefault(k => !FailedMessageHeaders.IsEditable(k)) is { } locked)
            errors["headers"] = [$"The header '{locked}' cannot be edited: MassTransit routes and reads the message by it, or it is a fault header."];
        foreach (var (name, value) in request.Headers ?? new Dictionary<string, string>())
        {
            FieldRules.Text(errors, "headers", name, 200, "A header's name");
            FieldRules.Text(errors, "headers", value, 4000, $"The header {name}'s value");
        }
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        var original = await session.ReadAsync(() => operations.FindAsync(session, id, cancellationToken), cancellationToken);
        if (original is null)
            return ApiProblems.NotFound("Failed message", id);
        if (original.Message.Status is not ("Unresolved" or "Archived"))
            return ApiProblems.Conflict("Not editable", $"Failed message {id} is {original.Message.Status}: only unresolved or archived messages are edited and retried.");

        var requestId = MassTransit.NewId.NextGuid();
        var newId = MassTransit.NewId.NextGuid();
        var actor = StaffMember.NameOf(user);
        var now = time.GetUtcNow();
        await session.BeginAsync(cancellationToken);
        await operations.AuditAsync(session, actor, "edit and retry", $"{id} as {newId}", 1, now, cancellationToken);
        await outbox.Send(FailedMessages, new EditAndRetryFailedMessage
        {
            RequestId = requestId, MessageId = id, NewMessageId = newId, Body = request.Body!,
            Headers = request.Headers ?? original.Headers.Where(h => FailedMessageHeaders.IsEditable(h.Key)).ToDictionary(h => h.Key, h => h.Value),
            RequestedBy = actor, RequestedAt = now,
        }, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return TypedResults.Accepted($"/api/operations/failed-messages/{newId}", new EditAccepted(requestId, newId));
    }

    static bool IsStorable(string text)
    {
        if (text.Contains('\0', StringComparison.Ordinal))
            return false;
        try
        {
            Strict.GetByteCount(text);
            return true;
        }
        catch (EncoderFallbackException)
        {
            return false;
        }
    }

    static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
}
