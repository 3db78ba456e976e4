namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_the_process_dies_between_commit_and_delivery() : BusWorldTest("crash", new Dictionary<string, string>
{
    ["Outbox__OrphanAge"] = "00:00:02",
})
{
    [Fact]
    public async Task Should_deliver_the_outgoing_message_once_after_a_restart()
    {
        var effect = NewId.NextGuid();
        await World.SendAsync("record-effect", new RecordEffect(effect, CrashAfterCommit: true));

        await World.Endpoint.WaitForExitAsync(TimeSpan.FromSeconds(30));
        (await World.EffectsAsync(effect, "recorded")).ShouldBe(1);
        (await World.EffectsAsync(effect, "applied")).ShouldBe(0);

        await World.Endpoint.StartAsync();

        await Eventually.HoldsAsync(async () => await World.EffectsAsync(effect, "applied") == 1, TimeSpan.FromSeconds(30), "the effect was applied");
        await Task.Delay(1500);
        (await World.EffectsAsync(effect, "recorded")).ShouldBe(1);
        (await World.EffectsAsync(effect, "applied")).ShouldBe(1);
    }

    [Fact]
    public async Task Should_sweep_a_committed_bus_outbox_message_after_a_restart()
    {
        var effect = NewId.NextGuid();
        var port = await World.Endpoint.PortAsync();
        using var http = new HttpClient();
        await Should.ThrowAsync<HttpRequestException>(() => http.PostAsync($"http://127.0.0.1:{port}/effects/{effect}?crash=true", null));

        await World.Endpoint.WaitForExitAsync(TimeSpan.FromSeconds(30));
        (await World.EffectsAsync(effect, "requested")).ShouldBe(1);
        (await World.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_state")).ShouldBe(1);

        await World.Endpoint.StartAsync();

        await Eventually.HoldsAsync(async () => await World.EffectsAsync(effect, "applied") == 1, TimeSpan.FromSeconds(30), "the effect was applied");
        await Task.Delay(1500);
        (await World.EffectsAsync(effect, "applied")).ShouldBe(1);
        (await World.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_state")).ShouldBe(0);
    }
}
