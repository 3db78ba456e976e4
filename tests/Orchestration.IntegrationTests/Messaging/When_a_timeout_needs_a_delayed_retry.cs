namespace Orchestration.IntegrationTests.Messaging;

/// <summary>
/// A timeout whose handling fails goes through a delayed retry like any message; the redelivered copy must still be
/// the saga's current timeout, or the saga would drop it as stale and never time out.
/// </summary>
public sealed class When_a_timeout_needs_a_delayed_retry() : BusWorldTest("timeout-retry", new Dictionary<string, string>
{
    ["Recoverability__ImmediateRetries"] = "0",
    ["Recoverability__DelayedRetries"] = "00:00:01",
})
{
    [Fact]
    public async Task Should_fire_on_the_retry_exactly_once()
    {
        var probe = await World.StartProbeAsync();

        // The first attempt to time out fails; the sequence counts attempts across the rollback.
        await World.ScalarAsync("""
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
            """.Replace("nextval('timeout_attempts')", $"nextval('\"{World.Schema}\".timeout_attempts')", StringComparison.Ordinal));

        await World.SendAsync("probe-state", new ArmProbeTimeout(probe, Seconds: 1));

        await Eventually.HoldsAsync(async () => await World.ProbeStateAsync(probe) == "TimedOut", TimeSpan.FromSeconds(30), "the retried timeout fired");
        (await World.ScalarAsync("SELECT last_value FROM {schema}.timeout_attempts")).ShouldBe("2");

        await Eventually.HoldsAsync(async () => await World.CountAsync("SELECT COUNT(*) FROM {schema}.scheduled_message WHERE closed_at IS NULL") == 0,
            TimeSpan.FromSeconds(10), "nothing left to fire");
        await Task.Delay(2000);
        (await World.ScalarAsync("SELECT last_value FROM {schema}.timeout_attempts")).ShouldBe("2");
        (await World.DrainAsync("probe-state_error")).ShouldBeEmpty();
    }
}
