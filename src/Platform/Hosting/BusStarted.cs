using MassTransit;
using Microsoft.Extensions.Hosting;

namespace Orchestration.Platform.Hosting;

/// <summary>
/// Opens once the bus has been started, for the background services that send on their own (the outbox sweeper, the
/// scheduler's dispatcher): they start before the bus, and must not send before it. On the in-memory transport this is
/// a matter of losing messages: its exchanges and bindings are built anew at every start, and a message sent to an
/// exchange no queue is bound to yet is dropped, while the outbox counts it delivered. There the bus is started with
/// <see cref="MassTransitHostOptions.WaitUntilStarted"/>, so it opens only when every receive endpoint is bound. On
/// RabbitMQ the topology lives in the broker and the gate opens as soon as the bus starts connecting.
/// </summary>
public sealed class BusStarted
{
    readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task WaitAsync(CancellationToken cancellationToken) => _started.Task.WaitAsync(cancellationToken);

    internal void Open() => _started.TrySetResult();
}

/// <summary>Registered right after MassTransit's hosted service, so it runs once that one has started the bus.</summary>
sealed class BusStartedSignal(BusStarted started) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        started.Open();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
