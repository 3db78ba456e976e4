using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using Orchestration.Platform.Outbox;

namespace Orchestration.Platform.Scheduling;

/// <summary>
/// Stores a message to be sent later. Idempotent by its token: a repeated <see cref="ScheduleMessage"/> replaces the
/// pending row, and one for a token already sent or cancelled finds a tombstone and is dropped. (The scheduler queue
/// runs without the inbox: MassTransit stamps a redelivery's schedule request with the original message id, so
/// message-id deduplication would drop the second delayed retry of the same message.)
/// </summary>
public sealed class ScheduleMessageConsumer(
    SqlSession session, SchedulerStore store, SchedulerOutage outage, ScheduledMessageDispatcher dispatcher, TimeProvider time)
    : IConsumer<ScheduleMessage>
{
    public const string TokenIdHeader = "MT-Scheduling-TokenId";

    /// <summary>
    /// The token a scheduled message fired with, kept under a name MassTransit copies: a delayed retry (and
    /// <c>Redeliver</c>/<c>Defer</c>) re-schedules a message with every header but <see cref="TokenIdHeader"/>, and
    /// gets a token of its own; without the original one the saga would take the retried timeout for a stale one
    /// and drop it. (An <c>MT-</c> name, because stored messages are sent on with their <c>MT-</c> headers only.)
    /// </summary>
    public const string FiredTokenIdHeader = "MT-Orchestration-Fired-TokenId";

    public async Task Consume(ConsumeContext<ScheduleMessage> context)
    {
        var schedule = context.Message;
        var now = time.GetUtcNow();
        var body = context.SerializerContext.GetMessageSerializer(schedule.Payload, schedule.PayloadType)
            .GetMessageBody(new MessageSendContext<ScheduleMessage>(schedule));

        // The delivered message keeps the envelope of the request (ids, conversation, headers), as MassTransit's
        // Quartz scheduler does, and carries the token so a saga can drop a timeout it no longer waits for.
        var message = new StoredMessage
        {
            MessageId = context.MessageId ?? schedule.CorrelationId,
            ContentType = context.ReceiveContext.ContentType.ToString(),
            MessageType = string.Join(";", schedule.PayloadType),
            Body = body.GetString(),
            ConversationId = context.ConversationId,
            CorrelationId = context.CorrelationId,
            InitiatorId = context.InitiatorId,
            RequestId = context.RequestId,
            SourceAddress = context.SourceAddress,
            DestinationAddress = schedule.Destination,
            ResponseAddress = context.ResponseAddress,
            FaultAddress = context.FaultAddress,
            SentTime = now.UtcDateTime,
            ExpirationTime = context.ExpirationTime,
        };
        var tokenId = context.Headers.Get<string>(FiredTokenIdHeader) is { Length: > 0 } fired ? fired : schedule.CorrelationId.ToString("N");
        var headers = context.Headers.GetAll().Where(h => h.Key is not (TokenIdHeader or FiredTokenIdHeader)).ToList();
        headers.Add(new KeyValuePair<string, object>(TokenIdHeader, tokenId));
        headers.Add(new KeyValuePair<string, object>(FiredTokenIdHeader, tokenId));
        message.ReplaceHeaders(headers);

        var scheduledTime = schedule.ScheduledTime.Kind == DateTimeKind.Local
            ? schedule.ScheduledTime.ToUniversalTime()
            : DateTime.SpecifyKind(schedule.ScheduledTime, DateTimeKind.Utc);
        var dueAt = new DateTimeOffset(scheduledTime);
        await outage.StoreAsync(session, () => store.ScheduleAsync(session, schedule.CorrelationId, dueAt.ToUnixTimeMilliseconds(), message,
            now.ToUnixTimeMilliseconds(), context.CancellationToken), context.CancellationToken);
        dispatcher.WakeBy(dueAt);
    }
}

public sealed class CancelScheduledMessageConsumer(SqlSession session, SchedulerStore store, SchedulerOutage outage, TimeProvider time)
    : IConsumer<CancelScheduledMessage>
{
    public Task Consume(ConsumeContext<CancelScheduledMessage> context) =>
        outage.StoreAsync(session, () => store.CancelAsync(session, context.Message.TokenId, time.GetUtcNow().ToUnixTimeMilliseconds(),
            context.CancellationToken), context.CancellationToken);
}
