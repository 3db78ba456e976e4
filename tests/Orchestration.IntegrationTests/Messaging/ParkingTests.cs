using MassTransit;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Scheduling;
using Orchestration.Testing;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.IntegrationTests.Messaging;

[Collection(BusCollection.Name)]
public sealed class When_a_stored_message_can_never_be_sent : IAsyncLifetime
{
    BusWorld _world = null!;

    public async Task InitializeAsync() => _world = await BusWorld.StartAsync("parking", new Dictionary<string, string>
    {
        ["Outbox__MaxAttempts"] = "3",
        ["Outbox__RetryDelay"] = "00:00:00.200",
        ["Outbox__OrphanAge"] = "00:00:01",
    });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Should_deliver_the_messages_behind_it_and_park_it_for_an_operator()
    {
        var longAgo = DateTimeOffset.UtcNow.AddHours(-1);
        var stuckOutbox = await StoredEffects.BusOutboxTransactionAsync(_world, StoredEffects.EffectRecorded(NewId.NextGuid(), StoredEffects.Unreachable), longAgo);
        var stuckOrphan = await StoredEffects.CrashLeftOutputAsync(_world, StoredEffects.EffectRecorded(NewId.NextGuid(), StoredEffects.Unreachable),
            TimeSpan.FromHours(1));

        // Both are younger than the stuck rows, so they queue behind them.
        var viaHttp = NewId.NextGuid();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{await _world.Endpoint.PortAsync()}") };
        (await http.PostAsync($"/effects/{viaHttp}", null)).EnsureSuccessStatusCode();
        var crashLeft = NewId.NextGuid();
        await StoredEffects.CrashLeftOutputAsync(_world, StoredEffects.EffectRecorded(crashLeft), TimeSpan.FromMinutes(30));

        await Eventually.HoldsAsync(async () => await _world.EffectsAsync(viaHttp, "applied") == 1, TimeSpan.FromSeconds(20),
            "the bus-outbox message behind the stuck transaction was delivered");
        await Eventually.HoldsAsync(async () => await _world.EffectsAsync(crashLeft, "applied") == 1, TimeSpan.FromSeconds(20),
            "the crash-left output behind the stuck one was delivered");

        var store = new OutboxStore(StoredEffects.Storage(_world));
        await Eventually.HoldsAsync(async () => (await store.ListParkedAsync(default)).Count == 2, TimeSpan.FromSeconds(20), "both stuck rows were parked");
        var parked = await store.ListParkedAsync(default);
        parked.Select(p => (p.Source, p.Id)).ShouldBe([("bus-outbox", stuckOutbox), ("inbox", stuckOrphan)], ignoreOrder: true);
        parked.ShouldAllBe(p => p.Attempts == 3 && p.LastError != null && p.LastError.Length > 0);

        var health = await http.GetStringAsync("/health/delivery");
        health.ShouldContain("\"status\":\"Degraded\"");
        health.ShouldContain("1 bus-outbox, 1 inbox, 0 scheduler");

        // An operator points the stuck transaction somewhere reachable and gives it back its attempts.
        await _world.CountAsync("UPDATE {schema}.outbox_message SET destination_address = @address WHERE outbox_id = @id",
            ("address", StoredEffects.EffectRecordedExchange), ("id", stuckOutbox));
        (await store.UnparkOutboxAsync(stuckOutbox, default)).ShouldBeTrue();
        await Eventually.HoldsAsync(async () => await _world.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_state") == 0, TimeSpan.FromSeconds(20),
            "the unparked transaction was delivered");
        (await store.ListParkedAsync(default)).Select(p => p.Id).ShouldBe([stuckOrphan]);
    }
}

[Collection(BusCollection.Name)]
public sealed class When_a_due_message_can_never_be_sent : IAsyncLifetime
{
    BusWorld _world = null!;

    public async Task InitializeAsync() => _world = await BusWorld.StartAsync("parkdue", new Dictionary<string, string>
    {
        ["Scheduler__MaxAttempts"] = "3",
        ["Scheduler__RetryDelay"] = "00:00:00.200",
    });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    Task<string?> StateOf(Guid probe) =>
        _world.ScalarAsync("SELECT current_state FROM {schema}.saga_probe WHERE correlation_id = @id", ("id", probe));

    [Fact]
    public async Task Should_fire_the_timeouts_due_before_and_after_it_once_each_and_park_it()
    {
        var (first, second) = (NewId.NextGuid(), NewId.NextGuid());
        foreach (var probe in new[] { first, second })
            await _world.SendAsync("probe-state", new StartProbe(probe));
        await Eventually.HoldsAsync(async () => await StateOf(first) == "Running" && await StateOf(second) == "Running", TimeSpan.FromSeconds(20),
            "the probes started");
        await _world.SendAsync("probe-state", new ArmProbeTimeout(first, Seconds: 3));
        await _world.SendAsync("probe-state", new ArmProbeTimeout(second, Seconds: 4));
        await Eventually.HoldsAsync(async () => await _world.CountAsync("SELECT COUNT(*) FROM {schema}.scheduled_message WHERE closed_at IS NULL") == 2,
            TimeSpan.FromSeconds(10), "both timeouts are stored");

        // Due between the two timeouts, so one batch holds all three in this order.
        var firstDue = long.Parse((await _world.ScalarAsync("SELECT MIN(due_at) FROM {schema}.scheduled_message WHERE closed_at IS NULL"))!,
            System.Globalization.CultureInfo.InvariantCulture);
        var stuck = await StoredEffects.ScheduledAsync(_world, StoredEffects.EffectRecorded(NewId.NextGuid(), StoredEffects.Unreachable), firstDue + 1);

        await Eventually.HoldsAsync(async () => await StateOf(first) == "TimedOut" && await StateOf(second) == "TimedOut", TimeSpan.FromSeconds(20),
            "both timeouts fired");
        var store = new SchedulerStore(StoredEffects.Storage(_world));
        await Eventually.HoldsAsync(async () => (await store.ListParkedAsync(default)).Count == 1, TimeSpan.FromSeconds(20), "the stuck message was parked");
        await Task.Delay(TimeSpan.FromSeconds(2));

        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.inbox_state WHERE receive_count > 1")).ShouldBe(0, "a timeout was sent more than once");
        var parked = (await store.ListParkedAsync(default)).ShouldHaveSingleItem();
        parked.Id.ShouldBe(stuck);
        parked.Attempts.ShouldBe(3);
        parked.LastError.ShouldNotBeNullOrEmpty();

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{await _world.Endpoint.PortAsync()}") };
        (await http.GetStringAsync("/health/delivery")).ShouldContain("0 bus-outbox, 0 inbox, 1 scheduler");
    }
}
