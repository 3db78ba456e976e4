using MassTransit;
using MassTransit.Middleware;
using MassTransit.Middleware.Outbox;
using MassTransit.Transports;

namespace Orchestration.Platform.Outbox;

/// <summary>
/// Sends and publishes from code outside a consumer (an HTTP request, a webhook) in the same transaction as that
/// code's own SQL: open <see cref="SqlSession"/>, write the rows, publish here, commit. Nothing reaches the broker
/// unless the commit succeeds, and nothing committed is lost: the sweeper delivers it right after the commit.
/// </summary>
public sealed class BusOutbox : OutboxSendContext
{
    readonly SqlSession _session;
    readonly OutboxStore _store;
    readonly IServiceProvider _provider;
    readonly TimeProvider _time;
    Guid _outboxId;
    long? _outboxTransaction;

    public BusOutbox(SqlSession session, OutboxStore store, SqlOutboxDelivery delivery, IBus bus, IServiceProvider provider, TimeProvider time)
    {
        _session = session;
        _store = store;
        _provider = provider;
        _time = time;
        SendEndpointProvider = new OutboxSendEndpointProvider(this, bus);
        PublishEndpoint = new PublishEndpoint(new OutboxPublishEndpointProvider(this, bus));
        session.Committed += () =>
        {
            if (_outboxTransaction is null)
                return;
            _outboxTransaction = null;
            delivery.Notify();
        };
    }

    public IPublishEndpoint PublishEndpoint { get; }
    public ISendEndpointProvider SendEndpointProvider { get; }

    public Task Publish<T>(T message, CancellationToken cancellationToken = default)
        where T : class =>
        PublishEndpoint.Publish(message, cancellationToken);

    public async Task Send<T>(Uri destination, T message, CancellationToken cancellationToken = default)
        where T : class
    {
        var endpoint = await SendEndpointProvider.GetSendEndpoint(destination);
        await endpoint.Send(message, cancellationToken);
    }

    public async Task AddSend<T>(SendContext<T> context)
        where T : class
    {
        if (!_session.InTransaction)
            throw new InvalidOperationException("Messages go through the bus outbox inside a SQL session transaction: call SqlSession.BeginAsync first.");

        // One outbox row per transaction: after a rollback or a failed commit the row written earlier is gone, and a
        // message stored under it would never be found by the sweeper.
        var now = _time.GetUtcNow();
        if (_outboxTransaction != _session.TransactionNumber)
        {
            var outboxId = NewId.NextGuid();
            await _store.InsertOutboxStateAsync(_session, outboxId, now.ToUnixTimeMilliseconds(), context.CancellationToken);
            _outboxId = outboxId;
            _outboxTransaction = _session.TransactionNumber;
        }

        await _store.InsertAsync(_session, [StoredMessage.From(context, now.UtcDateTime)], null, null, _outboxId, context.CancellationToken);
    }

    public object? GetService(Type serviceType) => _provider.GetService(serviceType);
}
