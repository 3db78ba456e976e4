namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_a_saga_schedules_a_timeout() : BusWorldTest("timeout")
{
    Task<long> PendingSchedules() => World.CountAsync("SELECT COUNT(*) FROM {schema}.scheduled_message WHERE closed_at IS NULL");

    [Fact]
    public async Task Should_fire_after_the_hosting_process_was_stopped_and_started_again()
    {
        var probe = await World.StartProbeAsync();
        // Due well after it is stored and the process is killed, however slowly a busy machine does both.
        await World.SendAsync("probe-state", new ArmProbeTimeout(probe, Seconds: 4));
        await Eventually.HoldsAsync(async () => await PendingSchedules() == 1, TimeSpan.FromSeconds(10), "the timeout is stored");

        await World.Endpoint.KillAsync();
        await Task.Delay(TimeSpan.FromSeconds(5));
        (await World.ProbeStateAsync(probe)).ShouldBe("Running");

        await World.Endpoint.StartAsync();
        await Eventually.HoldsAsync(async () => await World.ProbeStateAsync(probe) == "TimedOut", TimeSpan.FromSeconds(20), "the timeout fired after the restart");
    }

    [Fact]
    public async Task Should_never_fire_once_cancelled()
    {
        var probe = await World.StartProbeAsync();
        await World.SendAsync("probe-state", new ArmProbeTimeout(probe, Seconds: 4));
        await Eventually.HoldsAsync(async () => await PendingSchedules() == 1, TimeSpan.FromSeconds(10), "the timeout is stored");
        await World.SendAsync("probe-state", new DisarmProbeTimeout(probe));

        await Eventually.HoldsAsync(async () => await PendingSchedules() == 0, TimeSpan.FromSeconds(10), "the timeout was cancelled");
        await Task.Delay(TimeSpan.FromSeconds(5));
        (await World.ProbeStateAsync(probe)).ShouldBe("Running");
    }

    [Fact]
    public async Task Should_ignore_a_timeout_whose_token_no_longer_matches()
    {
        var probe = await World.StartProbeAsync();
        await World.SendAsync("probe-state", new ArmProbeTimeout(probe, Seconds: 600));
        await Eventually.HoldsAsync(async () => await PendingSchedules() == 1, TimeSpan.FromSeconds(10), "the timeout is stored");

        await World.SendAsync("probe-state", new ProbeTimeoutExpired(probe), headers: new Dictionary<string, object>
        {
            ["MT-Scheduling-TokenId"] = NewId.NextGuid().ToString("N"),
        });

        await Eventually.HoldsAsync(async () => await World.CountAsync(
                "SELECT COUNT(*) FROM {schema}.inbox_state WHERE consumed IS NOT NULL") >= 3, TimeSpan.FromSeconds(10), "the stale timeout was handled");
        await Task.Delay(500);
        (await World.ProbeStateAsync(probe)).ShouldBe("Running");
        (await PendingSchedules()).ShouldBe(1);
    }
}
