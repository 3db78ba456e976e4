using System.Collections.Concurrent;
using MassTransit;
using MassTransit.InMemoryTransport;
using MassTransit.InMemoryTransport.Configuration;
using MassTransit.Transports.Fabric;

namespace Orchestration.Platform.InMemory;

/// <summary>
/// Makes the in-memory transport as durable as the SQL file under it. MassTransit's in-memory queues forget everything
/// when the process ends, yet the outbox, the bus outbox and the scheduler forget a message as soon as a send has put it
/// in a queue: with RabbitMQ that is the broker's confirm, in memory it is nothing. So every copy entering a queue is
/// first journaled (<see cref="DeliveryJournal"/>), and is forgotten only once the receiving endpoint has finished it,
/// that is after its handler's transaction committed. A published event fans out to several queues, and each queue's copy
/// is journaled and finished on its own, so one fast receiver never discharges a slow one. Whatever a stop or a crash
/// leaves in the journal is put back into its queue at the next start; the receivers' inbox drops the copies they had
/// already handled.
///
/// <para>How: MassTransit's message fabric tells observers about each queue binding before it connects the queue to its
/// exchange, so a journaling sink is connected to that exchange first; the receive observer sees each copy finished.
/// Copies moved to an error (<c>_error</c>) or dead-letter (<c>_skipped</c>) queue, which the in-memory transport would
/// simply drop (nothing binds a queue to those exchanges), are journaled as parked and kept.</para>
///
/// <para>A send returns only once its copies are journaled, yet the journaling sink itself answers at once: the exchange
/// walks its sinks on the sender's thread and records each one as done in a set that is not safe across threads, so a
/// sink that finished later, on the journal's thread, would write to that set while the walk goes on. The sink hands
/// the copy to the journal and returns; the send observer then waits, before the send returns, for the journal to have
/// committed every copy of that send (<see cref="PostSend{T}"/>, <see cref="PostPublish{T}"/>). A send is known by a
/// header of its own (<see cref="SendHeader"/>), set before the transport takes the message, not by its message id,
/// which two sends may share (an outbox resending, a fixed id).</para>
/// </summary>
public sealed class InMemoryDeliveryTracker(DeliveryJournal journal)
    : IMessageFabricObserver<InMemoryTransportContext>, IReceiveObserver, ISendObserver, IPublishObserver
{
    readonly ConcurrentDictionary<string, JournalingSink> _sinks = new(StringComparer.OrdinalIgnoreCase);
    readonly Dictionary<(string Queue, Guid MessageId), Pending> _pending = [];
    // Journal writes of copies whose send has not returned yet, by send (SendHeader); a write leaves once it committed.
    readonly Dictionary<string, List<Task>> _unconfirmed = [];

    /// <summary>The header naming the send that put a copy in its queues, so that send waits for exactly its own copies' journal writes.</summary>
    public const string SendHeader = "Orchestration-Journal-Send";
    IMessageFabric<InMemoryTransportContext, InMemoryTransportMessage>? _fabric;
    InMemoryTransportContext? _context;

    /// <summary>Connects to the fabric of the bus being configured, before any queue exists.</summary>
    public void Attach(IInMemoryHostConfigurator host)
    {
        if (host is not IInMemoryHostConfiguration configuration)
            throw new InvalidOperationException($"The in-memory host configurator is a {host.GetType()}, which does not give access to its message fabric.");
        _fabric = configuration.TransportProvider.MessageFabric;
        _fabric.ConnectMessageFabricObserver(this);
    }

    /// <summary>True once the bus has declared its first queue: redelivery can begin.</summary>
    public bool Ready => _context is not null;

    /// <summary>Puts what a previous run left in the journal back into its queues.</summary>
    public async Task<int> RedeliverAsync(CancellationToken cancellationToken)
    {
        if (_fabric is null || _context is null)
            return 0;

        var copies = await journal.LoadUnfinishedAsync(cancellationToken);
        foreach (var copy in copies)
        {
            // Straight into the queue, past the exchange and its journaling sink: the copy keeps its journal row.
            Journaled(copy.Queue, copy.MessageId, copy.Sequence);
            await _fabric.GetQueue(_context, copy.Queue).Deliver(new InMemoryDeliveryContext(copy.Message, cancellationToken));
        }

        return copies.Count;
    }

    /// <summary>
    /// Sends a copy to a queue through the queue's exchange, journaled like any other send (a failed message retried by
    /// the operators). False while the bus has not started.
    /// </summary>
    public async Task<bool> SendAsync(string queue, InMemoryTransportMessage message, CancellationToken cancellationToken)
    {
        if (_fabric is null || _context is null)
            return false;

        var send = NewSend();
        message.Headers.Set(SendHeader, send);
        try
        {
            await _fabric.GetExchange(_context, queue).Deliver(new InMemoryDeliveryContext(message, cancellationToken));
        }
        catch
        {
            ForgetSend(send);
            throw;
        }

        await ConfirmAsync(send);
        return true;
    }

    public void QueueDeclared(InMemoryTransportContext context, string name) => _context ??= context;

    public void QueueBindingCreated(InMemoryTransportContext context, string source, string destination)
    {
        _context ??= context;
        var sink = _sinks.GetOrAdd(destination, queue => new JournalingSink(this, queue, parked: false));
        _fabric!.GetExchange(context, source).Connect(sink, null);
    }

    public void ExchangeDeclared(InMemoryTransportContext context, string name, ExchangeType exchangeType)
    {
        _context ??= context;
        if (name.EndsWith("_error", StringComparison.Ordinal) || name.EndsWith("_skipped", StringComparison.Ordinal))
            _fabric!.GetExchange(context, name).Connect(_sinks.GetOrAdd(name, queue => new JournalingSink(this, queue, parked: true)), null);
    }

    public void ExchangeBindingCreated(InMemoryTransportContext context, string source, string destination, string? routingKey = null)
    {
    }

    public TopologyHandle ConsumerConnected(InMemoryTransportContext context, TopologyHandle handle, string queueName) => handle;

    public Task PreReceive(ReceiveContext context) => Task.CompletedTask;

    // After the whole consume pipe: the handler's transaction has committed and its own messages are journaled.
    public Task PostReceive(ReceiveContext context)
    {
        if (context.GetMessageId() is { } messageId)
            Finished(context.InputAddress.Segments[^1], messageId);
        return Task.CompletedTask;
    }

    public Task PostConsume<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType)
        where T : class =>
        Task.CompletedTask;

    public Task ConsumeFault<T>(ConsumeContext<T> context, TimeSpan duration, string consumerType, Exception exception)
        where T : class =>
        Task.CompletedTask;

    // The transport dropped the copy without finishing it (a fault outside the consumers' error handling, a stop): it
    // stays journaled and comes back at the next start.
    public Task ReceiveFault(ReceiveContext context, Exception exception) => Task.CompletedTask;

    // Before the transport copies the headers into the message it delivers. A message sent again gets a new one.
    public Task PreSend<T>(SendContext<T> context)
        where T : class
    {
        context.Headers.Set(SendHeader, NewSend());
        return Task.CompletedTask;
    }

    // Before the send returns to its sender (the outbox, the scheduler), which then forgets the message.
    public Task PostSend<T>(SendContext<T> context)
        where T : class =>
        context.Headers.Get<string>(SendHeader) is { } send ? ConfirmAsync(send) : Task.CompletedTask;

    public Task SendFault<T>(SendContext<T> context, Exception exception)
        where T : class
    {
        if (context.Headers.Get<string>(SendHeader) is { } send)
            ForgetSend(send);
        return Task.CompletedTask;
    }

    // Publishing goes through the same send transport, but MassTransit reports it to the publish observers instead.
    public Task PrePublish<T>(PublishContext<T> context)
        where T : class =>
        PreSend(context);

    public Task PostPublish<T>(PublishContext<T> context)
        where T : class =>
        PostSend(context);

    public Task PublishFault<T>(PublishContext<T> context, Exception exception)
        where T : class =>
        SendFault(context, exception);

    static string NewSend() => NewId.NextGuid().ToString("N");

    /// <summary>Completes once every copy the send handed to the journal is committed; throws if one failed.</summary>
    Task ConfirmAsync(string send)
    {
        List<Task>? writes;
        lock (_unconfirmed)
            _unconfirmed.Remove(send, out writes);
        return writes is null ? Task.CompletedTask : Task.WhenAll(writes);
    }

    void ForgetSend(string send)
    {
        lock (_unconfirmed)
            _unconfirmed.Remove(send);
    }

    void Unconfirmed(string send, Task write)
    {
        lock (_unconfirmed)
        {
            if (!_unconfirmed.TryGetValue(send, out var writes))
                _unconfirmed[send] = writes = [];
            writes.Add(write);
        }

        // A committed write needs no confirming any more; a failed one stays for its send to see.
        write.ContinueWith(committed =>
        {
            lock (_unconfirmed)
            {
                if (_unconfirmed.TryGetValue(send, out var writes) && writes.Remove(committed) && writes.Count == 0)
                    _unconfirmed.Remove(send);
            }
        }, CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    async Task JournalAsync(string queue, InMemoryTransportMessage message, bool parked)
    {
        var sequence = await journal.AddAsync(queue, message, parked);
        if (!parked)
            Journaled(queue, message.MessageId, sequence);
    }

    // The exchange hands a copy to the sink and to the queue at the same time, so a quick receiver can finish the copy
    // before its journal row is committed; either order ends with the row removed.
    void Journaled(string queue, Guid messageId, long sequence)
    {
        lock (_pending)
        {
            var pending = Entry(queue, messageId);
            if (pending.EarlyFinishes > 0)
            {
                pending.EarlyFinishes--;
                Forget(queue, messageId, pending);
                journal.Remove(sequence);
                return;
            }

            pending.Rows.Enqueue(sequence);
        }
    }

    void Finished(string queue, Guid messageId)
    {
        lock (_pending)
        {
            var pending = Entry(queue, messageId);
            if (pending.Rows.TryDequeue(out var sequence))
            {
                Forget(queue, messageId, pending);
                journal.Remove(sequence);
                return;
            }

            pending.EarlyFinishes++;
        }
    }

    Pending Entry(string queue, Guid messageId)
    {
        if (!_pending.TryGetValue((queue, messageId), out var pending))
            _pending[(queue, messageId)] = pending = new Pending();
        return pending;
    }

    void Forget(string queue, Guid messageId, Pending pending)
    {
        if (pending.Rows.Count == 0 && pending.EarlyFinishes == 0)
            _pending.Remove((queue, messageId));
    }

    sealed class Pending
    {
        public Queue<long> Rows { get; } = new();
        public int EarlyFinishes { get; set; }
    }

    sealed class JournalingSink(InMemoryDeliveryTracker tracker, string queue, bool parked) : IMessageSink<InMemoryTransportMessage>
    {
        public Task Deliver(DeliveryContext<InMemoryTransportMessage> context)
        {
            var write = tracker.JournalAsync(queue, context.Message, parked);
            // An error or dead-letter exchange has this sink alone, so nothing else is walking its delivery: the move waits here.
            if (parked)
                return write;
            // A copy that came past the send transport (none does today) is known by its message id; its sender does not wait.
            var send = context.Message.Headers.Get<string>(SendHeader) ?? context.Message.MessageId.ToString("N");
            tracker.Unconfirmed(send, write);
            return Task.CompletedTask;
        }

        public void Probe(ProbeContext context) => context.CreateScope("journal").Add("queue", queue);
    }
}
