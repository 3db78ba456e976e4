using System.Collections.Concurrent;

namespace Orchestration.Testing;

/// <summary>
/// The events an endpoint under test published, in arrival order, as a subscriber receives them: after the commit of
/// the transaction that published them, once per delivery (a duplicate delivery shows as a second copy).
/// </summary>
public sealed class PublishedEvents
{
    readonly ConcurrentQueue<object> _events = new();
    readonly SemaphoreSlim _arrived = new(0);

    /// <summary>Every event received so far, of any type.</summary>
    public IReadOnlyList<object> Received => [.. _events];

    public void Add(object message)
    {
        _events.Enqueue(message);
        _arrived.Release();
    }

    public IReadOnlyList<T> All<T>(Func<T, bool> match) => _events.OfType<T>().Where(match).ToList();

    /// <summary>Waits until at least <paramref name="count"/> matching events have arrived.</summary>
    public async Task<IReadOnlyList<T>> WaitForAsync<T>(Func<T, bool> match, int count = 1)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (All(match) is var found && found.Count < count)
            await Task.Delay(25, timeout.Token);
        return All(match);
    }

    /// <summary>
    /// Waits for the first event of type <typeparamref name="T"/>, then a little longer so that any duplicate would have
    /// arrived too.
    /// </summary>
    public async Task<IReadOnlyList<T>> SettledAsync<T>(TimeSpan? quiet = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_events.OfType<T>().Any() && DateTime.UtcNow < deadline)
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(100));
        await Task.Delay(quiet ?? TimeSpan.FromSeconds(1.5));
        return [.. _events.OfType<T>()];
    }
}
