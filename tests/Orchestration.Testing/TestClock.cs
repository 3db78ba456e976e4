namespace Orchestration.Testing;

/// <summary>
/// An endpoint's clock in tests: the real time at start, moved on only when a test says so. Only the time read is
/// faked; timers and delays run on the real clock, so the endpoint's background loops (outbox sweeper, scheduler) go on
/// as in production, which a FakeTimeProvider, whose timers wait for Advance, would stop.
/// </summary>
public sealed class TestClock(DateTimeOffset start) : TimeProvider
{
    readonly Lock _lock = new();
    DateTimeOffset _now = start;

    public TestClock()
        : this(DateTimeOffset.UtcNow)
    {
    }

    public override DateTimeOffset GetUtcNow()
    {
        lock (_lock)
            return _now;
    }

    public void Advance(TimeSpan by)
    {
        lock (_lock)
            _now += by;
    }
}
