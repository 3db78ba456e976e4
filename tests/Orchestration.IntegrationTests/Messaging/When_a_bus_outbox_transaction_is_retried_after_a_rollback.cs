using MassTransit;
using Orchestration.Testing;

namespace Orchestration.IntegrationTests.Messaging;

[Collection(BusCollection.Name)]
public sealed class When_a_bus_outbox_transaction_is_retried_after_a_rollback : IAsyncLifetime
{
    BusWorld _world = null!;

    public async Task InitializeAsync() => _world = await BusWorld.StartAsync("outbox-retry");

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Should_deliver_what_the_retry_committed_once()
    {
        var effect = NewId.NextGuid();
        using var http = new HttpClient();
        var response = await http.PostAsync($"http://127.0.0.1:{await _world.Endpoint.PortAsync()}/effects/{effect}?rollbackFirst=true", null);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);

        await Eventually.HoldsAsync(async () => await _world.EffectsAsync(effect, "applied") == 1, TimeSpan.FromSeconds(20), "the committed event was delivered");
        await Eventually.HoldsAsync(async () => await _world.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_message") == 0, TimeSpan.FromSeconds(10),
            "no stored message left behind");
        await Task.Delay(1000);
        (await _world.EffectsAsync(effect, "requested")).ShouldBe(1);
        (await _world.EffectsAsync(effect, "applied")).ShouldBe(1);
        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_state")).ShouldBe(0);
    }
}
