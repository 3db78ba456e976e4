using System.Collections.Concurrent;
using MassTransit;

namespace Orchestration.Testing;

/// <summary>
/// A consume observer for an in-process endpoint: <see cref="Expect"/> completes when the endpoint has finished the
/// message with that id, with null when it was handled and the exception when it failed.
/// </summary>
public sealed class ConsumedMessages : IConsumeObserver
{
    readonly ConcurrentDictionary<Guid, TaskCompletionSource<Exception?>> _waiting = new();

    public Task<Exception?> Expect(Guid messageId) =>
        _waiting.GetOrAdd(messageId, _ => new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public Task PreConsume<T>(ConsumeContext<T> context)
        where T : class => Task.CompletedTask;

    public Task PostConsume<T>(ConsumeContext<T> context)
        where T : class => Complete(context, null);

    public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
        where T : class => Complete(context, exception);

    Task Complete(ConsumeContext context, Exception? exception)
    {
        if (context.MessageId is { } id && _waiting.TryGetValue(id, out var waiting))
            waiting.TrySetResult(exception);
        return Task.CompletedTask;
    }
}

/// <summary>The events an endpoint under test published, as a subscriber receives them.</summary>
public sealed class PublishedEvents
{
    readonly ConcurrentQueue<object> _events = new();

    public void Add(object message) => _events.Enqueue(message);

    public IReadOnlyList<T> All<T>(Func<T, bool> match) => _events.OfType<T>().Where(match).ToList();

    /// <summary>Waits until at least <paramref name="count"/> matching events have arrived.</summary>
    public async Task<IReadOnlyList<T>> WaitForAsync<T>(Func<T, bool> match, int count = 1)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (All(match) is var found && found.Count < count)
            await Task.Delay(25, timeout.Token);
        return All(match);
    }
}
