using MassTransit;
using Orchestration.Testing;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.IntegrationTests.Messaging;

/// <summary>
/// A timeout whose handling fails goes through a delayed retry like any message; the redelivered copy must still be
/// the saga's current timeout, or the saga would drop it as stale and never time out.
/// </summary>
[Collection(BusCollection.Name)]
public sealed class When_a_timeout_needs_a_delayed_retry : IAsyncLifetime
{
    BusWorld _world = null!;

    public async Task InitializeAsync() => _world = await BusWorld.StartAsync("timeout-retry", new Dictionary<string, string>
    {
        ["Recoverability__ImmediateRetries"] = "0",
        ["Recoverability__DelayedRetries"] = "00:00:01",
    });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    Task<string?> StateOf(Guid probe) =>
        _world.ScalarAsync("SELECT current_state FROM {schema}.saga_probe WHERE correlation_id = @id", ("id", probe));

    [Fact]
    public async Task Should_fire_on_the_retry_exactly_once()
    {
        var probe = NewId.NextGuid();
        await _world.SendAsync("probe-state", new StartProbe(probe));
        await Eventually.HoldsAsync(async () => await StateOf(probe) == "Running", TimeSpan.FromSeconds(20), "the probe started");

        // The first attempt to time out fails; the sequence counts attempts across the rollback.
        await _world.ScalarAsync("""
            CREATE SEQUENCE {schema}.timeout_attempts;
            CREATE FUNCTION {schema}.fail_first_timeout() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.current_state = 'TimedOut' AND nextval('timeout_attempts') = 1 THEN
                    RAISE EXCEPTION 'the first attempt to time out fails';
                END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER fail_first_timeout BEFORE UPDATE ON {schema}.saga_probe
                FOR EACH ROW EXECUTE FUNCTION {schema}.fail_first_timeout();
            """.Replace("nextval('timeout_attempts')", $"nextval('\"{_world.Schema}\".timeout_attempts')", StringComparison.Ordinal));

        await _world.SendAsync("probe-state", new ArmProbeTimeout(probe, Seconds: 1));

        await Eventually.HoldsAsync(async () => await StateOf(probe) == "TimedOut", TimeSpan.FromSeconds(30), "the retried timeout fired");
        (await _world.ScalarAsync("SELECT last_value FROM {schema}.timeout_attempts")).ShouldBe("2");

        await Eventually.HoldsAsync(async () => await _world.CountAsync("SELECT COUNT(*) FROM {schema}.scheduled_message WHERE closed_at IS NULL") == 0,
            TimeSpan.FromSeconds(10), "nothing left to fire");
        await Task.Delay(2000);
        (await _world.ScalarAsync("SELECT last_value FROM {schema}.timeout_attempts")).ShouldBe("2");
        (await _world.DrainAsync("probe-state_error")).ShouldBeEmpty();
    }
}
