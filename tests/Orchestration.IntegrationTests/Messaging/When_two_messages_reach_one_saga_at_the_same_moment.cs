namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_two_messages_reach_one_saga_at_the_same_moment() : BusWorldTest("concurrency")
{
    [Fact]
    public async Task Should_apply_both_transitions()
    {
        var probes = await World.StartProbesAsync(10);

        await Task.WhenAll(probes.SelectMany(probe => new[]
        {
            World.SendAsync("probe-state", new IncrementProbe(probe, 1)),
            World.SendAsync("probe-state", new IncrementProbe(probe, 10)),
        }));

        await Eventually.HoldsAsync(async () => await World.CountAsync(
                "SELECT COUNT(*) FROM {schema}.saga_probe WHERE data->>'Count' = '11' AND version = 3") == probes.Count,
            TimeSpan.FromSeconds(30), "every probe counted both increments");
        (await World.DrainAsync("probe-state_error")).ShouldBeEmpty();
    }
}
