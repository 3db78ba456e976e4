using MassTransit;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.FaultTests;

/// <summary>
/// A run of chain sagas across two endpoint processes (sagas, workers), or three when the scheduler runs in an
/// operations process of its own, in a virtual host and schema of its own, with the checks every fault scenario ends
/// with: every chain done, every step's effect and every saga transition exactly once, every deadline fired exactly
/// once, nothing left in any queue.
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

    readonly List<DateTimeOffset> _deadlines = [];

    ChainRun(BusWorld world, EndpointProcess workers, EndpointProcess? operations)
    {
        _world = world;
        Workers = workers;
        Operations = operations;
    }

    public EndpointProcess Sagas => _world.Endpoint;
    public EndpointProcess Workers { get; }

    /// <summary>The process hosting the scheduler when it is not the sagas' process.</summary>
    public EndpointProcess? Operations { get; }

    public List<Guid> Chains { get; } = [];
    public int Steps { get; private set; }

    public static async Task<ChainRun> StartAsync(string name, bool schedulerApart = false)
    {
        var world = await BusWorld.StartAsync(name, new Dictionary<string, string>(Patient)
        {
            ["Role"] = "sagas",
            ["Scheduler__Host"] = schedulerApart ? "false" : "true",
        });
        var workers = new EndpointProcess(world.VirtualHost, world.Schema, new Dictionary<string, string>(Patient)
        {
            ["Role"] = "workers",
            ["Scheduler__Host"] = "false",
        });
        await workers.StartAsync();
        EndpointProcess? operations = null;
        if (schedulerApart)
        {
            operations = new EndpointProcess(world.VirtualHost, world.Schema, new Dictionary<string, string>(Patient) { ["Role"] = "operations" });
            await operations.StartAsync();
        }

        return new ChainRun(world, workers, operations);
    }

    /// <summary>
    /// Starts the chains, each with a deadline timeout; the deadlines are spread evenly over the given window from now,
    /// so that some fall due before the fault, some while it lasts and some after it.
    /// </summary>
    public async Task StartChainsAsync(int count, int steps, TimeSpan deadlinesFrom, TimeSpan deadlinesTo)
    {
        Steps = steps;
        var now = DateTimeOffset.UtcNow;
        var started = Enumerable.Range(0, count).Select(i => (Id: NewId.NextGuid(), DeadlineAt: now + deadlinesFrom + (deadlinesTo - deadlinesFrom) * i / count))
            .ToList();
        Chains.AddRange(started.Select(c => c.Id));
        _deadlines.AddRange(started.Select(c => c.DeadlineAt));
        foreach (var batch in started.Chunk(100))
            await Task.WhenAll(batch.Select(c => _world.SendAsync("chain-state", new StartChain(c.Id, steps, c.DeadlineAt, Journal: true))));
    }

    /// <summary>Waits until the first deadlines are due.</summary>
    public async Task DeadlinesFallingDueAsync()
    {
        var wait = _deadlines.Min() - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
    }

    /// <summary>Runs the fault and checks that some deadlines fell due while it lasted, so the run tested what it claims.</summary>
    public async Task FaultAsync(Func<Task> fault)
    {
        var from = DateTimeOffset.UtcNow;
        await fault();
        var to = DateTimeOffset.UtcNow;
        _deadlines.Count(d => d >= from && d <= to).ShouldBeGreaterThan(0, $"deadlines due during the fault ({from:HH:mm:ss.fff}-{to:HH:mm:ss.fff})");
    }

    Task<long> JournalledAsync(string entry) =>
        _world.CountAsync("SELECT COUNT(*) FROM {schema}.chain_journal WHERE entry = @entry", ("entry", entry));

    public Task<long> DoneAsync() => _world.CountAsync("SELECT COUNT(*) FROM {schema}.saga_chain WHERE current_state = 'Done'");

    public Task<long> StepsRecordedAsync() => _world.CountAsync("SELECT COUNT(*) FROM {schema}.effects WHERE kind LIKE 'step-%'");

    /// <summary>
    /// Waits until <paramref name="fraction"/> of the steps are done, so a fault hits a run in full flight, or until half
    /// the deadlines are due if that comes first: the fault must begin while deadlines still fall due, however slowly a
    /// busy machine runs the chains.
    /// </summary>
    public async Task InFlightAsync(double fraction)
    {
        var halfDue = _deadlines.Order().ElementAt(_deadlines.Count / 2);
        while (DateTimeOffset.UtcNow < halfDue && await StepsRecordedAsync() < Chains.Count * Steps * fraction)
            await Task.Delay(100);
    }

    public async Task ShouldCompleteExactlyOnceAsync(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            await Eventually.HoldsAsync(async () => await DoneAsync() == Chains.Count, timeout, $"all {Chains.Count} chains done");
            await Eventually.HoldsAsync(async () => await JournalledAsync("deadline") >= Chains.Count, timeout - clock.Elapsed,
                $"all {Chains.Count} deadlines fired");
        }
        catch (ShouldAssertException)
        {
            var holding = string.Join(", ", (await TestServers.QueueDepthsAsync(_world.VirtualHost)).Where(q => q.Value > 0).Select(q => $"{q.Key}={q.Value}"));
            var operations = Operations is null ? "" : $"\noperations:\n{Tail(Operations.Output)}";
            throw new ShouldAssertException(
                $"{await DoneAsync()} of {Chains.Count} chains done, {await JournalledAsync("deadline")} deadlines fired " +
                $"({await JournalledAsync("deadline-delivered")} delivered); queues holding messages: [{holding}]\n" +
                $"sagas:\n{Tail(Sagas.Output)}\nworkers:\n{Tail(Workers.Output)}{operations}");
        }

        (await StepsRecordedAsync()).ShouldBe(Chains.Count * Steps, "each step's effect written once");
        (await _world.CountAsync("""
            SELECT COUNT(*) FROM (SELECT effect_id, kind FROM {schema}.effects GROUP BY effect_id, kind HAVING COUNT(*) > 1) AS doubled
            """)).ShouldBe(0, "no effect doubled");
        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.saga_chain WHERE (data->>'Completed')::int <> (data->>'Steps')::int")).ShouldBe(0);

        // The saga's side: each message it handled, once. A step event handled twice would otherwise be absorbed by
        // the saga ignoring steps it has seen, and a deadline fired twice by MassTransit's schedule token check.
        var doubled = await _world.ScalarAsync("""
            SELECT string_agg(entry || ' x' || n, ', ') FROM (
                SELECT entry, COUNT(*) AS n FROM {schema}.chain_journal GROUP BY chain_id, entry HAVING COUNT(*) > 1 LIMIT 10) AS d
            """);
        doubled.ShouldBeNullOrEmpty("no saga transition journalled twice");
        (await JournalledAsync("started")).ShouldBe(Chains.Count);
        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.chain_journal WHERE entry LIKE 'step-%'")).ShouldBe(Chains.Count * Steps);
        (await JournalledAsync("deadline")).ShouldBe(Chains.Count, "every deadline fired exactly once");
        (await JournalledAsync("deadline-delivered")).ShouldBe(Chains.Count, "every deadline delivered to its saga exactly once");
        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.scheduled_message WHERE closed_at IS NULL")).ShouldBe(0, "no schedule left open");

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
        if (Operations is not null)
            await Operations.DisposeAsync();
        await Workers.DisposeAsync();
        await _world.DisposeAsync();
    }
}
