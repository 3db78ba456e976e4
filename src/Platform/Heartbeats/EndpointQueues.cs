using System.Collections.Concurrent;
using MassTransit;

namespace Orchestration.Platform.Heartbeats;

/// <summary>
/// The queues this instance consumes from, as its receive endpoints become ready; heartbeats name them so Operations
/// knows whose queue length it samples. Temporary queues are left out: they belong to no endpoint.
/// </summary>
public sealed class EndpointQueues : IReceiveEndpointObserver
{
    readonly ConcurrentDictionary<string, byte> _queues = new(StringComparer.Ordinal);

    public IReadOnlyList<string> Names => [.. _queues.Keys.Order(StringComparer.Ordinal)];

    public Task Ready(ReceiveEndpointReady ready)
    {
        var address = ready.InputAddress;
        if (!address.Query.Contains("temporary=true", StringComparison.OrdinalIgnoreCase)
            && !address.Query.Contains("autodelete=", StringComparison.OrdinalIgnoreCase))
            _queues.TryAdd(address.Segments[^1], 0);
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
