using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Serialization;

namespace Orchestration.Platform.Outbox;

/// <summary>
/// The consume context a consumer or saga sees under the outbox: its sends, publishes and schedules are captured as
/// <see cref="StoredMessage"/>s and written in the handler's transaction, then delivered after the commit.
/// </summary>
public sealed class SqlOutboxConsumeContext<TMessage> : OutboxConsumeContextProxy<TMessage>
    where TMessage : class
{
    readonly SqlOutboxDelivery _delivery;
    readonly Guid _messageId;
    readonly List<StoredMessage> _captured;
    readonly TimeProvider _time;
    bool _consumed;
    bool _delivered;
    bool _closed;

    public SqlOutboxConsumeContext(ConsumeContext<TMessage> context, OutboxConsumeOptions options, IServiceProvider provider, SqlOutboxDelivery delivery,
        Guid messageId, InboxState state, List<StoredMessage> captured, TimeProvider time)
        : base(context, options, provider)
    {
        _delivery = delivery;
        _messageId = messageId;
        _captured = captured;
        _time = time;
        _consumed = state.Consumed.HasValue;
        _delivered = state.Delivered.HasValue;
        ReceiveCount = state.ReceiveCount;
    }

    public override Guid? MessageId => _messageId;
    public override bool ContinueProcessing { get; set; } = true;
    public override bool IsMessageConsumed => _consumed;
    public override bool IsOutboxDelivered => _delivered;
    public override int ReceiveCount { get; }
    public override long? LastSequenceNumber => null;

    /// <summary>Messages the handler produced in this pass, to be written before the commit.</summary>
    public IReadOnlyList<StoredMessage> Captured => _captured;

    public override Task SetConsumed()
    {
        _consumed = true;
        return Task.CompletedTask;
    }

    public override Task SetDelivered()
    {
        _delivery.MarkDelivered(_messageId, ConsumerId);
        _delivered = true;
        return Task.CompletedTask;
    }

    public override async Task<List<OutboxMessageContext>> LoadOutboxMessages()
    {
        var messages = _captured.Count > 0 ? _captured : await _delivery.LoadInboxAsync(_messageId, ConsumerId, CancellationToken);
        return messages.Cast<OutboxMessageContext>().ToList();
    }

    public override Task NotifyOutboxMessageDelivered(OutboxMessageContext message) => Task.CompletedTask;

    // Delivered rows are removed together with marking the inbox row delivered (SetDelivered).
    public override Task RemoveOutboxMessages() => Task.CompletedTask;

    /// <summary>
    /// The handler this context captured for has finished. MassTransit keeps routing the message's scheduler through
    /// this context, and the scheduled redelivery of a failed message (a filter outside the outbox) still sends with
    /// it: that request belongs to no transaction and goes straight to the broker. Any other send now comes from work
    /// the handler left running, after its messages were written or its transaction rolled back: it is refused, so it
    /// can neither slip out of a rolled-back transaction nor vanish from a committed one.
    /// </summary>
    public void Close() => _closed = true;

    public override async Task AddSend<T>(SendContext<T> context)
    {
        var message = StoredMessage.From(context, _time.GetUtcNow().UtcDateTime);
        if (_closed)
        {
            if (!IsRedeliveryOfThisMessage(context))
                throw new InvalidOperationException(
                    $"A {typeof(T).Name} was sent after the handler of message {_messageId} finished; await every send inside the handler.");

            var endpoint = await CapturedContext.GetSendEndpoint(message.DestinationAddress);
            await endpoint.Send(new SerializedMessageBody(), new OutboxMessageSendPipe(message, message.DestinationAddress), context.CancellationToken);
            return;
        }

        lock (_captured)
            _captured.Add(message);
    }

    // A scheduled redelivery copies the message's id and carries its redelivery count.
    bool IsRedeliveryOfThisMessage(SendContext context) =>
        context.Headers.TryGetHeader(MessageHeaders.RedeliveryCount, out _) &&
        (context.MessageId == _messageId || context.Headers.Get<Guid>(MessageHeaders.OriginalMessageId) == _messageId);
}
