namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>The Gateway's clock in tests: the real time at start, moved on only when a test says so.</summary>
public sealed class TestClock : TimeProvider
{
    readonly Lock _lock = new();
    DateTimeOffset _now = DateTimeOffset.UtcNow;

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
