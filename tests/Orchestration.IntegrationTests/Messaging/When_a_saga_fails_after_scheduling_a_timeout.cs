using MassTransit;
using Orchestration.Testing;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.IntegrationTests.Messaging;

[Collection(BusCollection.Name)]
public sealed class When_a_saga_fails_after_scheduling_a_timeout : IAsyncLifetime
{
    BusWorld _world = null!;

    // One attempt and straight to the error queue: the only schedule request there ever was is the rolled-back one.
    public async Task InitializeAsync() => _world = await BusWorld.StartAsync("rollback-schedule", new Dictionary<string, string>
    {
        ["Recoverability__ImmediateRetries"] = "0",
        ["Recoverability__DelayedRetries"] = " ",
    });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Should_never_store_the_schedule()
    {
        var probe = NewId.NextGuid();
        await _world.SendAsync("probe-state", new StartProbe(probe));
        await Eventually.HoldsAsync(async () => await _world.ScalarAsync("SELECT current_state FROM {schema}.saga_probe WHERE correlation_id = @id",
            ("id", probe)) == "Running", TimeSpan.FromSeconds(20), "the probe started");

        await _world.SendAsync("probe-state", new ArmProbeTimeoutThenFail(probe, Seconds: 1));

        await Eventually.HoldsAsync(async () => (await TestServers.QueueDepthsAsync(_world.VirtualHost)).GetValueOrDefault("probe-state_error") == 1,
            TimeSpan.FromSeconds(20), "the failed attempt reached the error queue");
        // Longer than a schedule request takes to reach the scheduler's table, and than the 1-s timeout would take to fire.
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.scheduled_message")).ShouldBe(0, "no schedule from the rolled-back attempt");
        (await _world.ScalarAsync("SELECT current_state FROM {schema}.saga_probe WHERE correlation_id = @id", ("id", probe))).ShouldBe("Running");
        (await TestServers.QueueDepthsAsync(_world.VirtualHost)).GetValueOrDefault("scheduler").ShouldBe(0);
    }
}
