namespace Orchestration.IntegrationTests.Messaging;

// One attempt and straight to the error queue: the only schedule request there ever was is the rolled-back one.
public sealed class When_a_saga_fails_after_scheduling_a_timeout() : BusWorldTest("rollback-schedule", new Dictionary<string, string>
{
    ["Recoverability__ImmediateRetries"] = "0",
    ["Recoverability__DelayedRetries"] = " ",
})
{
    [Fact]
    public async Task Should_never_store_the_schedule()
    {
        var probe = await World.StartProbeAsync();

        await World.SendAsync("probe-state", new ArmProbeTimeoutThenFail(probe, Seconds: 1));

        await Eventually.HoldsAsync(async () => (await TestServers.QueueDepthsAsync(World.VirtualHost)).GetValueOrDefault("probe-state_error") == 1,
            TimeSpan.FromSeconds(20), "the failed attempt reached the error queue");
        // Longer than a schedule request takes to reach the scheduler's table, and than the 1-s timeout would take to fire.
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await World.CountAsync("SELECT COUNT(*) FROM {schema}.scheduled_message")).ShouldBe(0, "no schedule from the rolled-back attempt");
        (await World.ScalarAsync("SELECT current_state FROM {schema}.saga_probe WHERE correlation_id = @id", ("id", probe))).ShouldBe("Running");
        (await TestServers.QueueDepthsAsync(World.VirtualHost)).GetValueOrDefault("scheduler").ShouldBe(0);
    }
}
