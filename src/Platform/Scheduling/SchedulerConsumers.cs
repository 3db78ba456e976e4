using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Storage;

namespace Orchestration.Platform.Scheduling;

/// <summary>
/// Stores a message to be sent later. Idempotent by its token: a repeated <see cref="ScheduleMessage"/> replaces the
/// pending row, and one for a token already sent or cancelled finds a tombstone and is dropped. (The scheduler queue
/// runs without the inbox: MassTransit stamps a redelivery's schedule request with the original message id, so
/// message-id deduplication would drop the second delayed retry of the same message.)
/// </summary>
public sealed class ScheduleMessageConsumer(SqlSession session, SchedulerStore store, ScheduledMessageDispatcher dispatcher, TimeProvider time)
    : IConsumer<ScheduleMessage>
{
    public const string TokenIdHeader = "MT-Scheduling-TokenId";

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
        var headers = context.Headers.GetAll().Where(h => h.Key != TokenIdHeader).ToList();
        headers.Add(new KeyValuePair<string, object>(TokenIdHeader, schedule.CorrelationId.ToString("N")));
        message.ReplaceHeaders(headers);

        var dueAt = new DateTimeOffset(DateTime.SpecifyKind(schedule.ScheduledTime, DateTimeKind.Utc));
        await session.BeginAsync(context.CancellationToken);
        await store.ScheduleAsync(session, schedule.CorrelationId, dueAt.ToUnixTimeMilliseconds(), message, now.ToUnixTimeMilliseconds(),
            context.CancellationToken);
        await session.CommitAsync(context.CancellationToken);
        dispatcher.WakeBy(dueAt);
    }
}

public sealed class CancelScheduledMessageConsumer(SqlSession session, SchedulerStore store, TimeProvider time) : IConsumer<CancelScheduledMessage>
{
    public async Task Consume(ConsumeContext<CancelScheduledMessage> context)
    {
        await session.BeginAsync(context.CancellationToken);
        await store.CancelAsync(session, context.Message.TokenId, time.GetUtcNow().ToUnixTimeMilliseconds(), context.CancellationToken);
        await session.CommitAsync(context.CancellationToken);
    }
}
