using System.Diagnostics;
using MassTransit;
using Orchestration.Testing;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.FaultTests;

/// <summary>
/// A run of chain sagas across two endpoint processes (sagas, workers) in a virtual host and schema of its own,
/// with the checks every fault scenario ends with: every chain done, every step's effect exactly once, nothing
/// left in any queue.
/// </summary>
public sealed class ChainRun : IAsyncDisposable
{
    static readonly Dictionary<string, string> Patient = new()
    {
        // Outages last seconds: the delayed retries give a message half a minute before an operator must look.
        ["Recoverability__DelayedRetries"] = "00:00:02, 00:00:05, 00:00:10, 00:00:15",
        ["Outbox__OrphanAge"] = "00:00:05",
        ["Bus__RabbitMq__PrefetchCount"] = "16",
    };

    readonly BusWorld _world;

    ChainRun(BusWorld world, EndpointProcess workers)
    {
        _world = world;
        Workers = workers;
    }

    public EndpointProcess Sagas => _world.Endpoint;
    public EndpointProcess Workers { get; }
    public List<Guid> Chains { get; } = [];
    public int Steps { get; private set; }

    public static async Task<ChainRun> StartAsync(string name)
    {
        var world = await BusWorld.StartAsync(name, new Dictionary<string, string>(Patient) { ["Role"] = "sagas" });
        var workers = new EndpointProcess(world.VirtualHost, world.Schema, new Dictionary<string, string>(Patient)
        {
            ["Role"] = "workers",
            ["Scheduler__Host"] = "false",
        });
        await workers.StartAsync();
        return new ChainRun(world, workers);
    }

    public async Task StartChainsAsync(int count, int steps)
    {
        Steps = steps;
        var started = Enumerable.Range(0, count).Select(_ => NewId.NextGuid()).ToList();
        Chains.AddRange(started);
        foreach (var batch in started.Chunk(100))
            await Task.WhenAll(batch.Select(id => _world.SendAsync("chain-state", new StartChain(id, steps))));
    }

    public Task<long> DoneAsync() => _world.CountAsync("SELECT COUNT(*) FROM {schema}.saga_chain WHERE current_state = 'Done'");

    public Task<long> StepsRecordedAsync() => _world.CountAsync("SELECT COUNT(*) FROM {schema}.effects WHERE kind LIKE 'step-%'");

    /// <summary>Waits until some of the work is done, so a fault hits a run in full flight.</summary>
    public Task InFlightAsync(double fraction, TimeSpan timeout) =>
        Eventually.HoldsAsync(async () => await StepsRecordedAsync() >= Chains.Count * Steps * fraction, timeout, $"{fraction:P0} of the steps done");

    public async Task ShouldCompleteExactlyOnceAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await Eventually.HoldsAsync(async () => await DoneAsync() == Chains.Count, timeout, $"all {Chains.Count} chains done");
        }
        catch (ShouldAssertException)
        {
            var holding = string.Join(", ", (await TestServers.QueueDepthsAsync(_world.VirtualHost)).Where(q => q.Value > 0).Select(q => $"{q.Key}={q.Value}"));
            throw new ShouldAssertException(
                $"{await DoneAsync()} of {Chains.Count} chains done; queues holding messages: [{holding}]\nsagas:\n{Tail(Sagas.Output)}\nworkers:\n{Tail(Workers.Output)}");
        }

        (await StepsRecordedAsync()).ShouldBe(Chains.Count * Steps, "each step's effect written once");
        (await _world.CountAsync("""
            SELECT COUNT(*) FROM (SELECT effect_id, kind FROM {schema}.effects GROUP BY effect_id, kind HAVING COUNT(*) > 1) AS doubled
            """)).ShouldBe(0, "no effect doubled");
        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.saga_chain WHERE (data->>'Completed')::int <> (data->>'Steps')::int")).ShouldBe(0);

        // The outbox and the queues drain once the last chain is done.
        await Eventually.HoldsAsync(async () =>
        {
            var depths = await TestServers.QueueDepthsAsync(_world.VirtualHost);
            return depths.Values.All(d => d == 0) && await _world.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_message") == 0;
        }, TimeSpan.FromSeconds(30) - clock.Elapsed / 10, "every queue and the outbox empty");

        var queues = await TestServers.QueueDepthsAsync(_world.VirtualHost);
        queues.Where(q => q.Key.EndsWith("_error", StringComparison.Ordinal) || q.Key.EndsWith("_skipped", StringComparison.Ordinal))
            .Sum(q => q.Value).ShouldBe(0);
    }

    static string Tail(string output) => string.Join('\n', output.Split('\n').TakeLast(40));

    public async ValueTask DisposeAsync()
    {
        await Workers.DisposeAsync();
        await _world.DisposeAsync();
    }
}
