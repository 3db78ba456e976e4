namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_a_stored_message_can_never_be_sent() : BusWorldTest("parking", new Dictionary<string, string>
{
    ["Outbox__MaxAttempts"] = "3",
    ["Outbox__RetryDelay"] = "00:00:00.200",
    ["Outbox__OrphanAge"] = "00:00:01",
})
{
    [Fact]
    public async Task Should_deliver_the_messages_behind_it_and_park_it_for_an_operator()
    {
        var longAgo = DateTimeOffset.UtcNow.AddHours(-1);
        var stuckOutbox = await StoredEffects.BusOutboxTransactionAsync(World, StoredEffects.EffectRecorded(NewId.NextGuid(), StoredEffects.Unreachable), longAgo);
        var stuckOrphan = await StoredEffects.CrashLeftOutputAsync(World, StoredEffects.EffectRecorded(NewId.NextGuid(), StoredEffects.Unreachable),
            TimeSpan.FromHours(1));

        // Both are younger than the stuck rows, so they queue behind them.
        var viaHttp = NewId.NextGuid();
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{await World.Endpoint.PortAsync()}") };
        (await http.PostAsync($"/effects/{viaHttp}", null)).EnsureSuccessStatusCode();
        var crashLeft = NewId.NextGuid();
        await StoredEffects.CrashLeftOutputAsync(World, StoredEffects.EffectRecorded(crashLeft), TimeSpan.FromMinutes(30));

        await Eventually.HoldsAsync(async () => await World.EffectsAsync(viaHttp, "applied") == 1, TimeSpan.FromSeconds(20),
            "the bus-outbox message behind the stuck transaction was delivered");
        await Eventually.HoldsAsync(async () => await World.EffectsAsync(crashLeft, "applied") == 1, TimeSpan.FromSeconds(20),
            "the crash-left output behind the stuck one was delivered");

        var store = new OutboxStore(StoredEffects.Storage(World));
        await Eventually.HoldsAsync(async () => (await store.ListParkedAsync(default)).Count == 2, TimeSpan.FromSeconds(20), "both stuck rows were parked");
        var parked = await store.ListParkedAsync(default);
        parked.Select(p => (p.Source, p.Id)).ShouldBe([("bus-outbox", stuckOutbox), ("inbox", stuckOrphan)], ignoreOrder: true);
        parked.ShouldAllBe(p => p.Attempts == 3 && p.LastError != null && p.LastError.Length > 0);

        var health = await http.GetStringAsync("/health/delivery");
        health.ShouldContain("\"status\":\"Degraded\"");
        health.ShouldContain("1 bus-outbox, 1 inbox, 0 scheduler");

        // An operator points the stuck transaction somewhere reachable and gives it back its attempts.
        await World.CountAsync("UPDATE {schema}.outbox_message SET destination_address = @address WHERE outbox_id = @id",
            ("address", StoredEffects.EffectRecordedExchange), ("id", stuckOutbox));
        (await store.UnparkOutboxAsync(stuckOutbox, default)).ShouldBeTrue();
        await Eventually.HoldsAsync(async () => await World.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_state") == 0, TimeSpan.FromSeconds(20),
            "the unparked transaction was delivered");
        (await store.ListParkedAsync(default)).Select(p => p.Id).ShouldBe([stuckOrphan]);
    }
}
