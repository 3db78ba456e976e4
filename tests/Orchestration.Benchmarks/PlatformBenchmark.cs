using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using MassTransit;
using Npgsql;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.Benchmarks;

/// <summary>CPU milliseconds per saga step, by process.</summary>
/// <summary>
/// CPU milliseconds per saga step, by process, and the machine's load: <c>OtherPercent</c> is CPU used by processes
/// other than the endpoints, the servers and this benchmark (a build or a test suite running alongside).
/// </summary>
public sealed record CpuPerStep(double Endpoints, double Sagas, double Workers, double Postgres, double RabbitMq, double Client, double MachineBusyPercent,
    double OtherPercent);

/// <summary>Server-wide PostgreSQL activity per saga step (other clients of the server would show here too).</summary>
public sealed record DatabasePerStep(double Commits, double Rollbacks, double WalSyncs, double WalKilobytes);

public sealed record PhaseResult(
    string Name,
    int Chains,
    int StepsPerChain,
    long Steps,
    double Seconds,
    double StepsPerSecond,
    double? OfferedStepsPerSecond,
    LatencySummary StepLatency,
    CpuPerStep CpuMsPerStep,
    DatabasePerStep Database);

public sealed record EndpointResult(string Role, int Pid, double PeakResidentMb, double CpuSeconds);

public sealed record ConsistencyCheck(long ChainsStarted, long ChainsDone, long StepsExpected, long EffectRows, bool Holds);

public sealed record PlatformResult(PhaseResult? FullLoad, PhaseResult? HalfLoad, IReadOnlyList<EndpointResult> Endpoints, ConsistencyCheck? Consistency);

/// <summary>
/// The workload on the real platform: the chain saga endpoint (Role=sagas, hosting the scheduler) and the worker
/// endpoint (Role=workers) as two processes with the inbox/outbox on, on durable RabbitMQ queues and PostgreSQL.
/// After a warm-up, a full-load phase starts every chain at once (a closed loop of N chains, one step each in flight)
/// and a half-load phase starts the same number of chains at a pace that offers half the measured step rate.
/// </summary>
public sealed class PlatformBenchmark(BenchmarkSettings settings, Servers servers)
{
    readonly string _sagaSchema = servers.Schema("sagas");
    readonly string _workerSchema = servers.Schema("workers");
    readonly List<EndpointHost> _hosts = [];
    long _chainsStarted;
    long _stepsStarted;

    public async Task<PlatformResult> RunAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        PhaseResult? full = null, half = null;
        ConsistencyCheck? consistency = null;
        IBusControl? bus = null;
        try
        {
            progress("starting the saga and worker endpoints");
            var sagas = Start("sagas", _sagaSchema, settings.SagasEnvironment, hostsScheduler: true);
            var workers = Start("workers", _workerSchema, settings.WorkersEnvironment, hostsScheduler: false);
            await Task.WhenAll(sagas.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), cancellationToken),
                workers.WaitUntilReadyAsync(TimeSpan.FromSeconds(60), cancellationToken));

            bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(servers.RabbitHost, servers.RabbitPort, servers.VirtualHost, h =>
            {
                h.Username(servers.RabbitUser);
                h.Password(servers.RabbitPassword);
            }));
            await bus.StartAsync(cancellationToken);
            var chainQueue = await bus.GetSendEndpoint(new Uri("queue:chain-state"));

            progress($"warm-up: {settings.WarmupChains} chains x {settings.WarmupSteps} steps");
            await RunChainsAsync(chainQueue, settings.WarmupChains, settings.WarmupSteps, null, cancellationToken);

            progress($"full load: {settings.Chains} chains x {settings.Steps} steps, all started at once");
            full = await MeasureAsync("full load", chainQueue, null, sagas, workers, cancellationToken);

            if (!settings.SkipHalfLoad)
            {
                var offered = full.StepsPerSecond / 2;
                progress($"half load: {settings.Chains} chains x {settings.Steps} steps, offered at {offered:F0} steps/s");
                half = await MeasureAsync("half load", chainQueue, offered, sagas, workers, cancellationToken);
            }

            consistency = await CheckConsistencyAsync(cancellationToken);
        }
        finally
        {
            var endpoints = _hosts.Where(h => !h.HasExited)
                .Select(h => new EndpointResult(h.Role, h.Pid, Math.Round(h.PeakResidentMegabytes(), 1), Math.Round(h.CpuMilliseconds() / 1000, 2)))
                .ToList();
            Result = new PlatformResult(full, half, endpoints, consistency);
            foreach (var host in _hosts)
                await host.DisposeAsync();
            if (bus is not null)
                await StopQuietlyAsync(bus);
        }

        return Result;
    }

    // The broker may be the reason the run failed; stopping the client must not hide what was measured.
    static async Task StopQuietlyAsync(IBusControl bus)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await bus.StopAsync(timeout.Token);
        }
        catch (Exception exception) when (exception is OperationCanceledException or MassTransitException or RabbitMQ.Client.Exceptions.RabbitMQClientException)
        {
        }
    }

    /// <summary>What was measured so far, also when a phase failed.</summary>
    public PlatformResult Result { get; private set; } = new(null, null, [], null);

    EndpointHost Start(string role, string schema, IReadOnlyDictionary<string, string> roleEnvironment, bool hostsScheduler)
    {
        var environment = new Dictionary<string, string>
        {
            ["Bus__Transport"] = "RabbitMq",
            ["Bus__RabbitMq__Host"] = servers.RabbitHost,
            ["Bus__RabbitMq__Port"] = servers.RabbitPort.ToString(CultureInfo.InvariantCulture),
            ["Bus__RabbitMq__VirtualHost"] = servers.VirtualHost,
            ["Bus__RabbitMq__Username"] = servers.RabbitUser,
            ["Bus__RabbitMq__Password"] = servers.RabbitPassword,
            ["Bus__RabbitMq__PrefetchCount"] = settings.Prefetch.ToString(CultureInfo.InvariantCulture),
            ["Storage__Provider"] = "Postgres",
            ["Storage__ConnectionString"] = servers.PostgresConnectionString(settings.ConnectionOptions),
            ["Storage__Schema"] = schema,
            ["Scheduler__Host"] = hostsScheduler ? "true" : "false",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        if (settings.Limit is { } limit)
            environment["Bus__ConcurrentMessageLimit"] = limit.ToString(CultureInfo.InvariantCulture);
        foreach (var (key, value) in settings.EndpointEnvironment.Concat(roleEnvironment))
            environment[key] = value;

        var host = EndpointHost.Start(settings.EndpointAssembly, role, environment);
        _hosts.Add(host);
        return host;
    }

    async Task<PhaseResult> MeasureAsync(string name, ISendEndpoint chainQueue, double? offeredStepsPerSecond, EndpointHost sagas, EndpointHost workers,
        CancellationToken cancellationToken)
    {
        // PostgreSQL publishes a backend's counters up to a second after its last transaction.
        await Task.Delay(TimeSpan.FromSeconds(1.2), cancellationToken);
        var database = await DatabaseCountersAsync(cancellationToken);
        var cpu = CpuSnapshot.Take(sagas, workers);

        var (ids, started) = await RunChainsAsync(chainQueue, settings.Chains, settings.Steps, offeredStepsPerSecond, cancellationToken);

        var cpuAfter = CpuSnapshot.Take(sagas, workers);
        await Task.Delay(TimeSpan.FromSeconds(1.2), cancellationToken);
        var databaseAfter = await DatabaseCountersAsync(cancellationToken);

        var chains = await ReadChainsAsync(ids, cancellationToken);
        var steps = (long)settings.Chains * settings.Steps;
        var seconds = (chains.Max(c => c.FinishedAt) - started).TotalSeconds;
        var perStep = cpuAfter.Minus(cpu, steps);
        var databasePerStep = new DatabasePerStep(
            Math.Round((databaseAfter.Commits - database.Commits) / (double)steps, 2),
            Math.Round((databaseAfter.Rollbacks - database.Rollbacks) / (double)steps, 3),
            Math.Round((databaseAfter.WalSyncs - database.WalSyncs) / (double)steps, 2),
            Math.Round((databaseAfter.WalBytes - database.WalBytes) / 1024.0 / steps, 2));

        return new PhaseResult(name, settings.Chains, settings.Steps, steps, Math.Round(seconds, 2), Math.Round(steps / seconds, 1),
            offeredStepsPerSecond is { } offered ? Math.Round(offered, 1) : null, LatencySummary.Of(chains.SelectMany(c => c.StepLatenciesMs)),
            perStep, databasePerStep);
    }

    /// <summary>
    /// Starts the chains (all at once, or paced so that they offer the given step rate) and waits until every one is
    /// Done, at most the phase timeout.
    /// </summary>
    async Task<(Guid[] Ids, DateTimeOffset Started)> RunChainsAsync(ISendEndpoint chainQueue, int chains, int steps, double? offeredStepsPerSecond,
        CancellationToken cancellationToken)
    {
        var ids = Enumerable.Range(0, chains).Select(_ => NewId.NextGuid()).ToArray();
        var started = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(settings.PhaseTimeout);

        if (offeredStepsPerSecond is not { } rate)
        {
            await Task.WhenAll(ids.Select(id => chainQueue.Send(new StartChain(id, steps), timeout.Token)));
        }
        else
        {
            var interval = TimeSpan.FromSeconds(steps / rate);
            for (var i = 0; i < ids.Length; i++)
            {
                var due = interval * i;
                if (due > clock.Elapsed)
                    await Task.Delay(due - clock.Elapsed, timeout.Token);
                await chainQueue.Send(new StartChain(ids[i], steps), timeout.Token);
            }
        }

        _chainsStarted += chains;
        _stepsStarted += (long)chains * steps;

        await using var connection = new NpgsqlConnection(servers.PostgresConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM \"{_sagaSchema}\".saga_chain WHERE current_state = 'Done' AND correlation_id = ANY(@ids)",
            connection);
        count.Parameters.AddWithValue("ids", ids);
        long done = 0;
        while (!timeout.IsCancellationRequested)
        {
            done = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            if (done == chains)
                return (ids, started);
            foreach (var host in _hosts.Where(h => h.HasExited))
                throw new InvalidOperationException($"The {host.Role} endpoint exited:\n{host.Output}");
            await Task.Delay(100, CancellationToken.None);
        }

        cancellationToken.ThrowIfCancellationRequested();
        throw new TimeoutException($"{done} of {chains} chains were Done after {settings.PhaseTimeout.TotalSeconds} s.");
    }

    sealed record ChainOutcome(DateTimeOffset StartedAt, DateTimeOffset FinishedAt, IReadOnlyList<double> StepLatenciesMs);

    async Task<List<ChainOutcome>> ReadChainsAsync(Guid[] ids, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(servers.PostgresConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT data::text FROM \"{_sagaSchema}\".saga_chain WHERE correlation_id = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", ids);
        var chains = new List<ChainOutcome>(ids.Length);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var data = JsonDocument.Parse(reader.GetString(0));
            var root = data.RootElement;
            chains.Add(new ChainOutcome(
                root.GetProperty("StartedAt").GetDateTimeOffset(),
                root.GetProperty("FinishedAt").GetDateTimeOffset(),
                root.GetProperty("StepLatenciesMs").EnumerateArray().Select(e => e.GetDouble()).ToList()));
        }

        return chains;
    }

    /// <summary>Every chain Done, and exactly one effect row per step started: nothing lost, nothing done twice.</summary>
    async Task<ConsistencyCheck> CheckConsistencyAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(servers.PostgresConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            SELECT (SELECT count(*) FROM "{_sagaSchema}".saga_chain WHERE current_state = 'Done'),
                   (SELECT count(*) FROM "{_workerSchema}".effects)
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var done = reader.GetInt64(0);
        var effects = reader.GetInt64(1);
        return new ConsistencyCheck(_chainsStarted, done, _stepsStarted, effects, done == _chainsStarted && effects == _stepsStarted);
    }

    sealed record DatabaseCounters(long Commits, long Rollbacks, long WalSyncs, long WalBytes);

    async Task<DatabaseCounters> DatabaseCountersAsync(CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(servers.PostgresConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("""
            SELECT (SELECT sum(xact_commit) FROM pg_stat_database)::bigint, (SELECT sum(xact_rollback) FROM pg_stat_database)::bigint,
                   wal_sync, wal_bytes::bigint FROM pg_stat_wal
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new DatabaseCounters(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    sealed record CpuSnapshot(double Sagas, double Workers, double Postgres, double RabbitMq, double Client, double MachineBusy, double MachineTotal)
    {
        double Known => Sagas + Workers + Postgres + RabbitMq + Client;

        public static CpuSnapshot Take(EndpointHost sagas, EndpointHost workers)
        {
            var (busy, total) = ProcessStats.MachineCpuMilliseconds();
            return new CpuSnapshot(sagas.CpuMilliseconds(), workers.CpuMilliseconds(), ProcessStats.CpuMillisecondsOf("postgres"),
                ProcessStats.CpuMillisecondsOf("beam.smp"), ProcessStats.CpuMilliseconds(Environment.ProcessId), busy, total);
        }

        public CpuPerStep Minus(CpuSnapshot before, long steps)
        {
            double PerStep(double after, double start) => Math.Round((after - start) / steps, 3);
            var total = MachineTotal - before.MachineTotal;
            var busy = MachineBusy - before.MachineBusy;
            return new CpuPerStep(
                PerStep(Sagas + Workers, before.Sagas + before.Workers),
                PerStep(Sagas, before.Sagas),
                PerStep(Workers, before.Workers),
                PerStep(Postgres, before.Postgres),
                PerStep(RabbitMq, before.RabbitMq),
                PerStep(Client, before.Client),
                Math.Round(100 * busy / total, 1),
                Math.Round(100 * Math.Max(0, busy - (Known - before.Known)) / total, 1));
        }
    }
}
