namespace Orchestration.IntegrationTests.Messaging;

/// <summary>Probe sagas in a <see cref="BusWorld"/>, started for a test to act on.</summary>
static class ProbeSagas
{
    /// <summary>Starts <paramref name="count"/> probes one after another and waits until every one runs; returns their ids.</summary>
    public static async Task<List<Guid>> StartProbesAsync(this BusWorld world, int count)
    {
        var probes = Enumerable.Range(0, count).Select(_ => NewId.NextGuid()).ToList();
        foreach (var probe in probes)
            await world.SendAsync("probe-state", new StartProbe(probe));
        await Eventually.HoldsAsync(
            async () => await world.CountAsync("SELECT COUNT(*) FROM {schema}.saga_probe WHERE current_state = 'Running'") == probes.Count,
            TimeSpan.FromSeconds(20), "every probe started");
        return probes;
    }
}
