namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_a_bus_outbox_transaction_is_retried_after_a_rollback() : BusWorldTest("outbox-retry")
{
    [Fact]
    public async Task Should_deliver_what_the_retry_committed_once()
    {
        var effect = NewId.NextGuid();
        using var http = new HttpClient();
        var response = await http.PostAsync($"http://127.0.0.1:{await World.Endpoint.PortAsync()}/effects/{effect}?rollbackFirst=true", null);
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);

        await Eventually.HoldsAsync(async () => await World.EffectsAsync(effect, "applied") == 1, TimeSpan.FromSeconds(20), "the committed event was delivered");
        await Eventually.HoldsAsync(async () => await World.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_message") == 0, TimeSpan.FromSeconds(10),
            "no stored message left behind");
        await Task.Delay(1000);
        (await World.EffectsAsync(effect, "requested")).ShouldBe(1);
        (await World.EffectsAsync(effect, "applied")).ShouldBe(1);
        (await World.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_state")).ShouldBe(0);
    }
}
