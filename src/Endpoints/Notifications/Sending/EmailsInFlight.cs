using System.Collections.Concurrent;

namespace Orchestration.Endpoints.Notifications.Sending;

/// <summary>
/// How many attempts of this process are handling each email right now, by deduplication key, and the process's name in
/// the claims it writes: a claim of this process's that is unfinished while no other attempt here handles its email
/// belongs to an attempt that has ended.
/// </summary>
public sealed class EmailsInFlight
{
    readonly ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    /// <summary>This process, as its claims name it: a new name at every start.</summary>
    public string Process { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Counts an attempt at the email until the result is disposed.</summary>
    public IDisposable Begin(string deduplicationKey)
    {
        _attempts.AddOrUpdate(deduplicationKey, 1, (_, count) => count + 1);
        return new Attempt(this, deduplicationKey);
    }

    /// <summary>True when an attempt besides the caller's own is handling the email in this process.</summary>
    public bool OthersHandle(string deduplicationKey) => _attempts.TryGetValue(deduplicationKey, out var count) && count > 1;

    sealed class Attempt(EmailsInFlight inFlight, string key) : IDisposable
    {
        int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
                return;
            var count = inFlight._attempts.AddOrUpdate(key, 0, (_, current) => current - 1);
            if (count <= 0)
                inFlight._attempts.TryRemove(new KeyValuePair<string, int>(key, count));
        }
    }
}
