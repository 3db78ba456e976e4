using System.Threading.Channels;
using MassTransit;
using MassTransit.Middleware;
using MassTransit.Serialization;

namespace Orchestration.Platform.Outbox;

/// <summary>Hands stored messages to the broker and records that they arrived.</summary>
public sealed class SqlOutboxDelivery(OutboxStore store, IBus bus, IOptions<OutboxOptions> options, TimeProvider time, ILogger<SqlOutboxDelivery> logger)
{
    readonly SemaphoreSlim _signal = new(0);
    readonly Channel<(Guid MessageId, Guid ConsumerId)> _delivered = Channel.CreateUnbounded<(Guid, Guid)>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Wakes the sweeper: a bus-outbox transaction committed messages.</summary>
    public void Notify()
    {
        if (_signal.CurrentCount == 0)
            _signal.Release();
    }

    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => await _signal.WaitAsync(timeout, cancellationToken);

    public async Task SendAsync(StoredMessage message, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.DeliveryTimeout);
        var endpoint = await bus.GetSendEndpoint(message.DestinationAddress);
        await endpoint.Send(new SerializedMessageBody(), new OutboxMessageSendPipe(message, message.DestinationAddress), timeout.Token);
    }

    public async Task<List<StoredMessage>> LoadInboxAsync(Guid messageId, Guid consumerId, CancellationToken cancellationToken)
    {
        await using var connection = await store.Storage.OpenConnectionAsync(cancellationToken);
        return await store.LoadForInboxAsync(connection, null, messageId, consumerId, cancellationToken);
    }

    /// <summary>
    /// Records that a consumed message's outgoing messages reached the broker. The marks are written in batches
    /// (<see cref="DeliveredMarker"/>), one commit for many messages; if the process dies first, the sweeper finds
    /// the rows still undelivered and sends them again, and the receivers' inbox drops the copies.
    /// </summary>
    public void MarkDelivered(Guid messageId, Guid consumerId) => _delivered.Writer.TryWrite((messageId, consumerId));

    internal ChannelReader<(Guid MessageId, Guid ConsumerId)> DeliveredMarks => _delivered.Reader;

    internal async Task CompleteInboxesAsync(IReadOnlyList<(Guid MessageId, Guid ConsumerId)> messages, CancellationToken cancellationToken)
    {
        await using var connection = await store.Storage.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await store.CompleteInboxDeliveriesAsync(connection, transaction, messages, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Delivers one committed bus-outbox transaction; false when none is waiting. A transaction that cannot be sent is
    /// recorded as a failed attempt and stepped over (see <see cref="DeliveryFailure"/>); true then too, so the sweeper
    /// goes on with the next one.
    /// </summary>
    public async Task<bool> DeliverNextOutboxAsync(CancellationToken cancellationToken)
    {
        await using var connection = await store.Storage.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await store.ClaimOutboxAsync(connection, transaction, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken) is not var (outboxId, attempts))
            return false;

        var sent = new List<long>();
        try
        {
            foreach (var message in await store.LoadForOutboxAsync(connection, transaction, outboxId, cancellationToken))
            {
                await SendAsync(message, cancellationToken);
                sent.Add(message.SequenceNumber);
            }
        }
        catch (Exception exception) when (DeliveryFailure.IsRowFailure(exception, cancellationToken))
        {
            var failure = Failure(exception, attempts, cancellationToken);
            await store.RemoveSentAsync(connection, transaction, sent, cancellationToken);
            var outcome = await store.RecordOutboxFailureAsync(connection, transaction, outboxId, failure, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Report(exception, failure, outcome, "bus-outbox transaction", outboxId);
            if (!failure.Counted)
                throw;
            return true;
        }

        await store.CompleteOutboxDeliveryAsync(connection, transaction, outboxId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Delivers the messages of one consumed message that a crash left behind; false when none is waiting. Failures are
    /// handled as in <see cref="DeliverNextOutboxAsync"/>.
    /// </summary>
    public async Task<bool> DeliverNextOrphanAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var cutoff = (now - options.Value.OrphanAge).ToUnixTimeMilliseconds();
        await using var connection = await store.Storage.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await store.ClaimOrphanAsync(connection, transaction, cutoff, now.ToUnixTimeMilliseconds(), cancellationToken) is not var (messageId, consumerId, attempts))
            return false;

        var sent = new List<long>();
        try
        {
            foreach (var message in await store.LoadForInboxAsync(connection, transaction, messageId, consumerId, cancellationToken))
            {
                await SendAsync(message, cancellationToken);
                sent.Add(message.SequenceNumber);
            }
        }
        catch (Exception exception) when (DeliveryFailure.IsRowFailure(exception, cancellationToken))
        {
            var failure = Failure(exception, attempts, cancellationToken);
            await store.RemoveSentAsync(connection, transaction, sent, cancellationToken);
            var outcome = await store.RecordInboxFailureAsync(connection, transaction, messageId, consumerId, failure, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            Report(exception, failure, outcome, "output of message", messageId);
            if (!failure.Counted)
                throw;
            return true;
        }

        await store.CompleteInboxDeliveryAsync(connection, transaction, messageId, consumerId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    DeliveryFailure Failure(Exception exception, int attempts, CancellationToken cancellationToken) =>
        DeliveryFailure.Of(exception, attempts, time.GetUtcNow(), options.Value.RetryDelay, options.Value.MaxAttempts, cancellationToken);

    void Report(Exception exception, DeliveryFailure failure, (int Attempts, bool Parked) outcome, string row, Guid id)
    {
        if (outcome.Parked)
            logger.LogError(exception, "Parked the {Row} {Id} after {Attempts} failed attempts; an operator must unpark it", row, id, outcome.Attempts);
        else if (failure.Counted)
            logger.LogWarning(exception, "Sending the {Row} {Id} failed (attempt {Attempts}); it is tried again later", row, id, outcome.Attempts);
    }
}
