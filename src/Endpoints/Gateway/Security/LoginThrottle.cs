using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Caching.Memory;

namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>
/// The sign-in limits of <see cref="LoginRateLimitOptions"/>. An attempt first asks <see cref="TryBegin"/>, which either
/// refuses it (how long to wait) or counts it against the client address; the caller then reports the outcome with
/// <see cref="Failed"/> or <see cref="Succeeded"/>, and requests refused before any check with <see cref="Refused"/>.
/// Counts are kept in a size-limited cache: each key is looked up on its own, and the cache drops old entries in the
/// background, so no attempt ever walks all of them.
/// </summary>
public sealed class LoginThrottle : IDisposable
{
    // An address the account signed in from stays trusted this long, past the per-email ceiling.
    static readonly TimeSpan TrustedFor = TimeSpan.FromDays(30);

    readonly IOptions<GatewaySecurityOptions> _options;
    readonly TimeProvider _time;
    readonly MemoryCache _counts;

    public LoginThrottle(IOptions<GatewaySecurityOptions> options, TimeProvider time)
    {
        _options = options;
        _time = time;
        _counts = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.LoginRateLimit.MaxTrackedKeys });
    }

    LoginRateLimitOptions Limits => _options.Value.LoginRateLimit;

    /// <summary>
    /// The form in which a client address is counted: IPv4-mapped IPv6 as IPv4, both loopbacks as one, IPv6 by its /64
    /// (one household or host usually holds a whole /64).
    /// </summary>
    public static string AddressKey(IPAddress? address)
    {
        if (address is null)
            return "unknown";
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (IPAddress.IsLoopback(address))
            return "loopback";
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address.ToString();

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        bytes[8..].Clear();
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>How long the client address must wait before it may try anything at all; null when it may.</summary>
    public TimeSpan? AddressWait(string address)
    {
        var now = _time.GetUtcNow();
        if (Find<Window>(AddressKeyOf(address)) is not { } window)
            return null;
        lock (window)
            return window.Wait(now, Limits.Window, Limits.PerAddress);
    }

    /// <summary>Counts a request refused before any password check (unreadable or invalid body) against the address.</summary>
    public void Refused(string address)
    {
        var now = _time.GetUtcNow();
        if (Get(AddressKeyOf(address), () => new Window(now), Limits.Window) is { } window)
            lock (window)
                window.Add(now, Limits.Window);
    }

    /// <summary>
    /// Counts the attempt against the address and returns null, or returns how long until the address, the pair or (when
    /// <paramref name="emailCeiling"/>) the email may try again. A refused attempt is not counted.
    /// </summary>
    public TimeSpan? TryBegin(string address, string emailKey, bool emailCeiling = true)
    {
        var limits = Limits;
        var now = _time.GetUtcNow();
        var byAddress = Get(AddressKeyOf(address), () => new Window(now), limits.Window);
        if (byAddress is null)
            return TimeSpan.FromSeconds(1);

        lock (byAddress)
            if (byAddress.Wait(now, limits.Window, limits.PerAddress) is { } addressWait)
                return addressWait;

        // A pair is kept only once it has failed or succeeded, so attempts alone never fill the counters.
        var trusted = false;
        if (Find<Pair>(PairKey(address, emailKey)) is { } pair)
            lock (pair)
            {
                if (pair.Wait(now, limits) is { } pairWait)
                    return pairWait;
                trusted = pair.LastSuccess is { } success && now - success < TrustedFor;
            }

        if (emailCeiling && !trusted && Find<Window>(EmailKeyOf(emailKey)) is { } byEmail)
            lock (byEmail)
                if (byEmail.Wait(now, limits.EmailWindow, limits.PerEmail) is { } emailWait)
                    return emailWait;

        lock (byAddress)
            byAddress.Add(now, limits.Window);
        return null;
    }

    /// <summary>The password was wrong (or the account unknown or disabled): one more failure for the pair and the email.</summary>
    public void Failed(string address, string emailKey)
    {
        var now = _time.GetUtcNow();
        if (Get(PairKey(address, emailKey), () => new Pair(), TrustedFor) is { } pair)
            lock (pair)
                pair.Fail(now, Limits);
        if (Get(EmailKeyOf(emailKey), () => new Window(now), Limits.EmailWindow) is { } byEmail)
            lock (byEmail)
                byEmail.Add(now, Limits.EmailWindow);
    }

    /// <summary>The password was right: the attempt is given back to the address, and the pair's failures are forgotten.</summary>
    public void Succeeded(string address, string emailKey)
    {
        var now = _time.GetUtcNow();
        if (Find<Window>(AddressKeyOf(address)) is { } byAddress)
            lock (byAddress)
                byAddress.Remove();
        if (Get(PairKey(address, emailKey), () => new Pair(), TrustedFor) is { } pair)
            lock (pair)
                pair.Succeed(now);
    }

    /// <summary>Nothing was checked after all (the request was cancelled): the attempt is given back to the address.</summary>
    public void Abandoned(string address)
    {
        if (Find<Window>(AddressKeyOf(address)) is { } byAddress)
            lock (byAddress)
                byAddress.Remove();
    }

    public void Dispose() => _counts.Dispose();

    static string AddressKeyOf(string address) => "a " + address;
    static string EmailKeyOf(string emailKey) => "e " + emailKey;
    static string PairKey(string address, string emailKey) => $"p {address} {emailKey}";

    T? Find<T>(string key) where T : class => _counts.TryGetValue(key, out var found) ? found as T : null;

    // Null when the cache is full and the new entry could not be kept: the caller refuses rather than count nothing.
    T? Get<T>(string key, Func<T> create, TimeSpan idle) where T : class
    {
        if (Find<T>(key) is { } existing)
            return existing;
        var created = create();
        // Real time for the cache, at least a day: the limits themselves are decided on the injected clock.
        _counts.Set(key, created, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = idle < TimeSpan.FromDays(1) ? TimeSpan.FromDays(1) : idle });
        return Find<T>(key);
    }

    /// <summary>A fixed window of counted attempts.</summary>
    sealed class Window(DateTimeOffset start)
    {
        DateTimeOffset _start = start;
        int _count;

        public TimeSpan? Wait(DateTimeOffset now, TimeSpan length, int limit)
        {
            Roll(now, length);
            return _count >= limit ? _start + length - now : null;
        }

        public void Add(DateTimeOffset now, TimeSpan length)
        {
            Roll(now, length);
            _count++;
        }

        public void Remove() => _count = Math.Max(0, _count - 1);

        void Roll(DateTimeOffset now, TimeSpan length)
        {
            if (_start + length > now)
                return;
            _start = now;
            _count = 0;
        }
    }

    /// <summary>One client address and one email: failures, the last of them, and the last success.</summary>
    sealed class Pair
    {
        int _failures;
        DateTimeOffset _lastFailure;

        public DateTimeOffset? LastSuccess { get; private set; }

        public TimeSpan? Wait(DateTimeOffset now, LoginRateLimitOptions limits)
        {
            Forget(now, limits);
            if (_failures < limits.PerEmailAndAddress)
                return null;
            var doublings = Math.Min(_failures - limits.PerEmailAndAddress, 30);
            var delay = TimeSpan.FromTicks((long)Math.Min(limits.MaxDelay.Ticks, limits.FirstDelay.Ticks * Math.Pow(2, doublings)));
            var until = _lastFailure + delay;
            return until > now ? until - now : null;
        }

        public void Fail(DateTimeOffset now, LoginRateLimitOptions limits)
        {
            Forget(now, limits);
            _failures++;
            _lastFailure = now;
        }

        public void Succeed(DateTimeOffset now)
        {
            _failures = 0;
            LastSuccess = now;
        }

        void Forget(DateTimeOffset now, LoginRateLimitOptions limits)
        {
            if (_failures > 0 && now - _lastFailure >= limits.EmailWindow)
                _failures = 0;
        }
    }
}
