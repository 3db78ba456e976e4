using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Orchestration.Simulators.Http;

/// <summary>
/// <c>Idempotency-Key</c> handling as Stripe documents it: the first request with a key runs and its response is
/// kept for 24 hours; a repeat with the same parameters gets that response again (<c>Idempotent-Replayed: true</c>)
/// without running; a repeat with other parameters is refused. A repeat that arrives while the first is still
/// running waits for it instead of running twice.
/// </summary>
internal sealed class IdempotencyStore(TimeProvider timeProvider)
{
    public const string KeyHeader = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    readonly ConcurrentDictionary<string, Entry> entries = new(StringComparer.Ordinal);
    long nextPruneTicks;

    /// <param name="fingerprint">What makes two requests "the same" (see <see cref="Fingerprint(string, string, IEnumerable{KeyValuePair{string, string}})"/>).</param>
    /// <param name="conflict">The answer when the key was used with other parameters; gets the key.</param>
    public async Task<IResult> RespondAsync(HttpContext http, string fingerprint, Func<RecordedResponse> execute, Func<string, IResult> conflict)
    {
        var key = http.Request.Headers[KeyHeader].ToString();
        if (key.Length == 0)
            return execute();

        Prune();
        while (true)
        {
            var mine = new Entry(fingerprint, timeProvider.GetUtcNow());
            var entry = entries.GetOrAdd(key, mine);
            if (!ReferenceEquals(entry, mine))
            {
                if (entry.Fingerprint != fingerprint)
                    return conflict(key);
                var recorded = await entry.Response.Task.WaitAsync(http.RequestAborted);
                if (recorded is null)
                    continue;
                http.Response.Headers[ReplayedHeader] = "true";
                return recorded;
            }

            RecordedResponse response;
            try
            {
                response = execute();
            }
            catch
            {
                Abandon(key, mine);
                throw;
            }

            if (response.Replayable)
                mine.Response.SetResult(response);
            else
                Abandon(key, mine);
            return response;
        }
    }

    public static string Fingerprint(string method, string path, IEnumerable<KeyValuePair<string, string>> parameters)
    {
        // Stripe compares parameters, not their order on the wire.
        var text = new StringBuilder().Append(method).Append(' ').Append(path);
        foreach (var (name, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal).ThenBy(p => p.Value, StringComparer.Ordinal))
            text.Append('\n').Append(name).Append('=').Append(value);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public static string Fingerprint(string method, string path, ReadOnlySpan<byte> body) =>
        $"{method} {path} {Convert.ToHexString(SHA256.HashData(body))}";

    // Waiters on an abandoned entry run the request themselves (the loop above).
    void Abandon(string key, Entry entry)
    {
        entries.TryRemove(KeyValuePair.Create(key, entry));
        entry.Response.TrySetResult(null);
    }

    void Prune()
    {
        var now = timeProvider.GetUtcNow();
        var due = Interlocked.Read(ref nextPruneTicks);
        if (now.UtcTicks < due || Interlocked.CompareExchange(ref nextPruneTicks, now.AddMinutes(1).UtcTicks, due) != due)
            return;
        foreach (var (key, entry) in entries)
        {
            if (now - entry.CreatedAt > Retention && entry.Response.Task.IsCompleted)
                entries.TryRemove(KeyValuePair.Create(key, entry));
        }
    }

    sealed record Entry(string Fingerprint, DateTimeOffset CreatedAt)
    {
        public TaskCompletionSource<RecordedResponse?> Response { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
