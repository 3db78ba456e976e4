namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_a_due_message_can_never_be_sent() : BusWorldTest("parkdue", new Dictionary<string, string>
{
    ["Scheduler__MaxAttempts"] = "3",
    ["Scheduler__RetryDelay"] = "00:00:00.200",
})
{
    [Fact]
    public async Task Should_fire_the_timeouts_due_before_and_after_it_once_each_and_park_it()
    {
        var probes = await World.StartProbesAsync(2);
        var (first, second) = (probes[0], probes[1]);
        await World.SendAsync("probe-state", new ArmProbeTimeout(first, Seconds: 3));
        await World.SendAsync("probe-state", new ArmProbeTimeout(second, Seconds: 4));
        await Eventually.HoldsAsync(async () => await World.CountAsync("SELECT COUNT(*) FROM {schema}.scheduled_message WHERE closed_at IS NULL") == 2,
            TimeSpan.FromSeconds(10), "both timeouts are stored");

        // Due between the two timeouts, so one batch holds all three in this order.
        var firstDue = long.Parse((await World.ScalarAsync("SELECT MIN(due_at) FROM {schema}.scheduled_message WHERE closed_at IS NULL"))!,
            System.Globalization.CultureInfo.InvariantCulture);
        var stuck = await StoredEffects.ScheduledAsync(World, StoredEffects.EffectRecorded(NewId.NextGuid(), StoredEffects.Unreachable), firstDue + 1);

        await Eventually.HoldsAsync(
            async () => await World.ProbeStateAsync(first) == "TimedOut" && await World.ProbeStateAsync(second) == "TimedOut",
            TimeSpan.FromSeconds(20), "both timeouts fired");
        var store = new SchedulerStore(StoredEffects.Storage(World));
        await Eventually.HoldsAsync(async () => (await store.ListParkedAsync(default)).Count == 1, TimeSpan.FromSeconds(20), "the stuck message was parked");
        await Task.Delay(TimeSpan.FromSeconds(2));

        (await World.CountAsync("SELECT COUNT(*) FROM {schema}.inbox_state WHERE receive_count > 1")).ShouldBe(0, "a timeout was sent more than once");
        var parked = (await store.ListParkedAsync(default)).ShouldHaveSingleItem();
        parked.Id.ShouldBe(stuck);
        parked.Attempts.ShouldBe(3);
        parked.LastError.ShouldNotBeNullOrEmpty();

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{await World.Endpoint.PortAsync()}") };
        (await http.GetStringAsync("/health/delivery")).ShouldContain("0 bus-outbox, 0 inbox, 1 scheduler");
    }
}
