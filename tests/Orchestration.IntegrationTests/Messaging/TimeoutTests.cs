using MassTransit;
using Orchestration.Testing;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.IntegrationTests.Messaging;

[Collection(BusCollection.Name)]
public sealed class When_a_saga_schedules_a_timeout : IAsyncLifetime
{
    BusWorld _world = null!;

    public async Task InitializeAsync() => _world = await BusWorld.StartAsync("timeout");

    public async Task DisposeAsync() => await _world.DisposeAsync();

    Task<string?> StateOf(Guid probe) =>
        _world.ScalarAsync("SELECT current_state FROM {schema}.saga_probe WHERE correlation_id = @id", ("id", probe));

    async Task<Guid> StartedProbe()
    {
        var probe = NewId.NextGuid();
        await _world.SendAsync("probe-state", new StartProbe(probe));
        await Eventually.HoldsAsync(async () => await StateOf(probe) == "Running", TimeSpan.FromSeconds(20), "the probe started");
        return probe;
    }

    Task<long> PendingSchedules() => _world.CountAsync("SELECT COUNT(*) FROM {schema}.scheduled_message WHERE closed_at IS NULL");

    [Fact]
    public async Task Should_fire_after_the_hosting_process_was_stopped_and_started_again()
    {
        var probe = await StartedProbe();
        await _world.SendAsync("probe-state", new ArmProbeTimeout(probe, Seconds: 2));
        await Eventually.HoldsAsync(async () => await PendingSchedules() == 1, TimeSpan.FromSeconds(10), "the timeout is stored");

        await _world.Endpoint.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(3));
        (await StateOf(probe)).ShouldBe("Running");

        await _world.Endpoint.StartAsync();
        await Eventually.HoldsAsync(async () => await StateOf(probe) == "TimedOut", TimeSpan.FromSeconds(20), "the timeout fired after the restart");
    }

    [Fact]
    public async Task Should_never_fire_once_cancelled()
    {
        var probe = await StartedProbe();
        await _world.SendAsync("probe-state", new ArmProbeTimeout(probe, Seconds: 2));
        await Eventually.HoldsAsync(async () => await PendingSchedules() == 1, TimeSpan.FromSeconds(10), "the timeout is stored");
        await _world.SendAsync("probe-state", new DisarmProbeTimeout(probe));

        await Eventually.HoldsAsync(async () => await PendingSchedules() == 0, TimeSpan.FromSeconds(10), "the timeout was cancelled");
        await Task.Delay(TimeSpan.FromSeconds(4));
        (await StateOf(probe)).ShouldBe("Running");
    }

    [Fact]
    public async Task Should_ignore_a_timeout_whose_token_no_longer_matches()
    {
        var probe = await StartedProbe();
        await _world.SendAsync("probe-state", new ArmProbeTimeout(probe, Seconds: 600));
        await Eventually.HoldsAsync(async () => await PendingSchedules() == 1, TimeSpan.FromSeconds(10), "the timeout is stored");

        await _world.SendAsync("probe-state", new ProbeTimeoutExpired(probe), headers: new Dictionary<string, object>
        {
            ["MT-Scheduling-TokenId"] = NewId.NextGuid().ToString("N"),
        });

        await Eventually.HoldsAsync(async () => await _world.CountAsync(
                "SELECT COUNT(*) FROM {schema}.inbox_state WHERE consumed IS NOT NULL") >= 3, TimeSpan.FromSeconds(10), "the stale timeout was handled");
        await Task.Delay(500);
        (await StateOf(probe)).ShouldBe("Running");
        (await PendingSchedules()).ShouldBe(1);
    }
}
