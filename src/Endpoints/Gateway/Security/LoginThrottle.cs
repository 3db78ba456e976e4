namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>
/// Fixed windows of sign-in attempts per email address and per client address (<see cref="LoginRateLimitOptions"/>). An
/// attempt is counted against both, and refused when either is used up, so neither guessing one account's password from
/// many addresses nor trying many accounts from one address gets far. Counts live in this process: each Gateway instance
/// enforces the limits on the requests it receives.
/// </summary>
public sealed class LoginThrottle(IOptions<GatewaySecurityOptions> options, TimeProvider time)
{
    // Beyond this many tracked keys, expired windows are dropped before a new one is added.
    const int SweepThreshold = 10_000;

    readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    readonly Lock _lock = new();

    /// <summary>Counts the attempt and returns null, or, when a limit is used up, returns how long until it is not (the attempt is not counted).</summary>
    public TimeSpan? TryAttempt(string clientAddress, string emailKey)
    {
        var limits = options.Value.LoginRateLimit;
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_windows.Count > SweepThreshold)
                foreach (var expired in _windows.Where(w => w.Value.Start + limits.Window <= now).Select(w => w.Key).ToList())
                    _windows.Remove(expired);

            // An address over its limit is refused before its email is looked at, so it cannot make new counters: each
            // address adds at most PerAddress email counters per window.
            var byAddress = Current("address " + clientAddress, now, limits.Window);
            if (byAddress.Count >= limits.PerAddress)
                return byAddress.Start + limits.Window - now;

            var byEmail = Current("email " + emailKey, now, limits.Window);
            TimeSpan? wait = null;
            if (byEmail.Count >= limits.PerEmail)
                wait = byEmail.Start + limits.Window - now;
            if (wait is not null)
                return wait;

            byAddress.Count++;
            byEmail.Count++;
            return null;
        }
    }

    Window Current(string key, DateTimeOffset now, TimeSpan length)
    {
        if (!_windows.TryGetValue(key, out var window) || window.Start + length <= now)
            _windows[key] = window = new Window(now);
        return window;
    }

    sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;
        public int Count { get; set; }
    }
}
