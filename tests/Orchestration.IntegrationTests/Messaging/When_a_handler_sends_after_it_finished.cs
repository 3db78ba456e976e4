using MassTransit;
using Orchestration.Testing;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.IntegrationTests.Messaging;

[Collection(BusCollection.Name)]
public sealed class When_a_handler_sends_after_it_finished : IAsyncLifetime
{
    BusWorld _world = null!;

    public async Task InitializeAsync() => _world = await BusWorld.StartAsync("late-send");

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Should_refuse_the_send_instead_of_letting_it_out_of_a_rolled_back_transaction()
    {
        var effect = NewId.NextGuid();
        await _world.SendAsync("late-publish", new PublishLate(effect));

        await Eventually.HoldsAsync(async () => await _world.CountAsync("SELECT COUNT(*) FROM {schema}.effects WHERE effect_id = @id", ("id", effect)) > 0,
            TimeSpan.FromSeconds(20), "the late publish was attempted");
        await Task.Delay(1500);
        (await _world.EffectsAsync(effect, "late-publish-refused")).ShouldBe(1);
        (await _world.EffectsAsync(effect, "applied")).ShouldBe(0);
        (await _world.DrainAsync("late-publish_error")).Count.ShouldBe(1);
    }
}
