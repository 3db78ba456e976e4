using MassTransit;
using Orchestration.Testing;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.IntegrationTests.Messaging;

[Collection(BusCollection.Name)]
public sealed class When_the_same_message_is_delivered_three_times : IAsyncLifetime
{
    BusWorld _world = null!;

    public async Task InitializeAsync() => _world = await BusWorld.StartAsync("dedup");

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Should_apply_one_saga_transition_and_deliver_one_copy_of_each_outgoing_message()
    {
        var probe = NewId.NextGuid();
        await _world.SendAsync("probe-state", new StartProbe(probe));
        await Eventually.HoldsAsync(async () => await _world.ScalarAsync("SELECT current_state FROM {schema}.saga_probe WHERE correlation_id = @id",
            ("id", probe)) == "Running", TimeSpan.FromSeconds(20), "the probe saga started");

        var incrementId = NewId.NextGuid();
        var effect = NewId.NextGuid();
        var effectMessageId = NewId.NextGuid();
        for (var i = 0; i < 3; i++)
        {
            await _world.SendAsync("probe-state", new IncrementProbe(probe, 1), incrementId);
            await _world.SendAsync("record-effect", new RecordEffect(effect, CrashAfterCommit: false), effectMessageId);
        }

        await Eventually.HoldsAsync(async () => await _world.EffectsAsync(effect, "applied") >= 1, TimeSpan.FromSeconds(20), "the effect was applied");
        await Eventually.HoldsAsync(async () => await _world.CountAsync(
                "SELECT COUNT(*) FROM {schema}.inbox_state WHERE message_id = @id AND receive_count = 3", ("id", incrementId)) == 1,
            TimeSpan.FromSeconds(20), "all three copies of the increment were received");
        await Task.Delay(1000);

        (await _world.ScalarAsync("SELECT data->>'Count' FROM {schema}.saga_probe WHERE correlation_id = @id", ("id", probe))).ShouldBe("1");
        (await _world.ScalarAsync("SELECT version FROM {schema}.saga_probe WHERE correlation_id = @id", ("id", probe))).ShouldBe("2");
        (await _world.EffectsAsync(effect, "recorded")).ShouldBe(1);
        (await _world.EffectsAsync(effect, "applied")).ShouldBe(1);
        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_message")).ShouldBe(0);
    }
}

[Collection(BusCollection.Name)]
public sealed class When_two_messages_reach_one_saga_at_the_same_moment : IAsyncLifetime
{
    BusWorld _world = null!;

    public async Task InitializeAsync() => _world = await BusWorld.StartAsync("concurrency");

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Should_apply_both_transitions()
    {
        var probes = Enumerable.Range(0, 10).Select(_ => NewId.NextGuid()).ToList();
        foreach (var probe in probes)
            await _world.SendAsync("probe-state", new StartProbe(probe));
        await Eventually.HoldsAsync(async () => await _world.CountAsync("SELECT COUNT(*) FROM {schema}.saga_probe") == probes.Count,
            TimeSpan.FromSeconds(20), "every probe started");

        await Task.WhenAll(probes.SelectMany(probe => new[]
        {
            _world.SendAsync("probe-state", new IncrementProbe(probe, 1)),
            _world.SendAsync("probe-state", new IncrementProbe(probe, 10)),
        }));

        await Eventually.HoldsAsync(async () => await _world.CountAsync(
                "SELECT COUNT(*) FROM {schema}.saga_probe WHERE data->>'Count' = '11' AND version = 3") == probes.Count,
            TimeSpan.FromSeconds(30), "every probe counted both increments");
        (await _world.DrainAsync("probe-state_error")).ShouldBeEmpty();
    }
}

[Collection(BusCollection.Name)]
public sealed class When_the_process_dies_between_commit_and_delivery : IAsyncLifetime
{
    BusWorld _world = null!;

    public async Task InitializeAsync() => _world = await BusWorld.StartAsync("crash", new Dictionary<string, string>
    {
        ["Outbox__OrphanAge"] = "00:00:02",
    });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Should_deliver_the_outgoing_message_once_after_a_restart()
    {
        var effect = NewId.NextGuid();
        await _world.SendAsync("record-effect", new RecordEffect(effect, CrashAfterCommit: true));

        await _world.Endpoint.WaitForExitAsync(TimeSpan.FromSeconds(30));
        (await _world.EffectsAsync(effect, "recorded")).ShouldBe(1);
        (await _world.EffectsAsync(effect, "applied")).ShouldBe(0);

        await _world.Endpoint.StartAsync();

        await Eventually.HoldsAsync(async () => await _world.EffectsAsync(effect, "applied") == 1, TimeSpan.FromSeconds(30), "the effect was applied");
        await Task.Delay(1500);
        (await _world.EffectsAsync(effect, "recorded")).ShouldBe(1);
        (await _world.EffectsAsync(effect, "applied")).ShouldBe(1);
    }

    [Fact]
    public async Task Should_sweep_a_committed_bus_outbox_message_after_a_restart()
    {
        var effect = NewId.NextGuid();
        var port = await _world.Endpoint.PortAsync();
        using var http = new HttpClient();
        await Should.ThrowAsync<HttpRequestException>(() => http.PostAsync($"http://127.0.0.1:{port}/effects/{effect}?crash=true", null));

        await _world.Endpoint.WaitForExitAsync(TimeSpan.FromSeconds(30));
        (await _world.EffectsAsync(effect, "requested")).ShouldBe(1);
        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_state")).ShouldBe(1);

        await _world.Endpoint.StartAsync();

        await Eventually.HoldsAsync(async () => await _world.EffectsAsync(effect, "applied") == 1, TimeSpan.FromSeconds(30), "the effect was applied");
        await Task.Delay(1500);
        (await _world.EffectsAsync(effect, "applied")).ShouldBe(1);
        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_state")).ShouldBe(0);
    }
}
