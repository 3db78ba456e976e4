using System.Text;
using MassTransit;
using Orchestration.Messages.Operations;

namespace Orchestration.Endpoints.Operations.FailedMessages;

/// <summary>
/// The operators' commands. A retry only marks the messages: <see cref="RetryDispatcher"/> sends them back at the
/// configured rate, so a request for a thousand messages is taken at once and carried out at the pace the services behind
/// the queues can bear. Each command is idempotent: a message already on its way, resolved or archived is left alone.
/// </summary>
public sealed class FailedMessageCommandsConsumer(SqlSession session, FailedMessageStore store, TimeProvider time, IOptions<FailedMessageOptions> options,
    RetryDispatcher dispatcher)
    : IConsumer<RetryFailedMessages>, IConsumer<ArchiveFailedMessages>, IConsumer<EditAndRetryFailedMessage>
{
    public async Task Consume(ConsumeContext<RetryFailedMessages> context)
    {
        var changed = await store.RequestRetryAsync(session, context.Message.MessageIds, time.GetUtcNow(), context.CancellationToken);
        await PublishAsync(context, changed);
        session.Committed += dispatcher.Wake;
    }

    public async Task Consume(ConsumeContext<ArchiveFailedMessages> context)
    {
        var now = time.GetUtcNow();
        var changed = context.Message.Restore
            ? await store.RestoreAsync(session, context.Message.MessageIds, now, context.CancellationToken)
            : await store.ArchiveAsync(session, context.Message.MessageIds, now, context.CancellationToken);
        await PublishAsync(context, changed);
    }

    /// <summary>
    /// The edited copy goes out through the dispatcher like any retry: it is stored as a message of its own in the
    /// RetryRequested state, with the original's fault, so its progress shows, and the original is resolved.
    /// </summary>
    public async Task Consume(ConsumeContext<EditAndRetryFailedMessage> context)
    {
        var edit = context.Message;
        if (await store.FindAsync(session, edit.MessageId, context.CancellationToken) is not { } original
            || await store.ReplaceAsync(session, edit.MessageId, edit.NewMessageId, time.GetUtcNow(), context.CancellationToken) is not { } resolved)
            return;

        var headers = FailureHeaders.WithoutFaults(original.HeaderValues)
            .Where(h => !FailedMessageHeaders.IsEditable(h.Key))
            .Concat(edit.Headers.Where(h => FailedMessageHeaders.IsEditable(h.Key)))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase);
        var copy = new ErrorQueueCopy(edit.NewMessageId, original.InputQueue + "_error", headers.Concat(original.HeaderValues.Where(h => FailedMessageHeaders.IsFault(h.Key)))
            .ToDictionary(h => h.Key, h => h.Value, StringComparer.OrdinalIgnoreCase), Encoding.UTF8.GetBytes(WithMessageId(edit.Body, edit.NewMessageId)), original.ContentType);
        var now = time.GetUtcNow();
        await store.RecordAsync(session, [Failure.From(copy, now) with { InputQueue = original.InputQueue, Endpoint = original.Endpoint }], now,
            context.CancellationToken);
        var requested = await store.RequestRetryAsync(session, [edit.NewMessageId], now, context.CancellationToken);
        await PublishAsync(context, [resolved, .. requested]);
        session.Committed += dispatcher.Wake;
    }

    // MassTransit reads a message's id from its envelope, not from the transport: the copy's envelope carries the new id,
    // or the receiver's inbox would take the copy for the original.
    static string WithMessageId(string body, Guid messageId)
    {
        try
        {
            if (System.Text.Json.Nodes.JsonNode.Parse(body) is System.Text.Json.Nodes.JsonObject envelope && envelope.ContainsKey("messageId"))
            {
                envelope["messageId"] = messageId.ToString();
                return envelope.ToJsonString();
            }
        }
        catch (System.Text.Json.JsonException)
        {
        }

        return body;
    }

    Task PublishAsync(ConsumeContext context, IEnumerable<FailedMessageRecord> changed) =>
        Task.WhenAll(changed.Select(record => context.Publish(record.Changed(options.Value.Retention), context.CancellationToken)));
}
