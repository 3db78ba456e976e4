using System.Globalization;

namespace Orchestration.Benchmarks;

/// <summary>
/// What one run measures. Every value comes from a command-line option, else from a <c>BENCH_*</c> environment
/// variable, else from a default sized so that the whole run stays under three minutes on a two-core machine.
/// </summary>
public sealed class BenchmarkSettings
{
    public const string Usage = """
        Orchestration.Benchmarks [options]

          --chains N            chain sagas per platform phase (BENCH_CHAINS, default 128)
          --steps K             steps per chain (BENCH_STEPS, default 60)
          --prefetch P          Bus:RabbitMq:PrefetchCount of both endpoints (BENCH_PREFETCH, default 32)
          --limit L             Bus:ConcurrentMessageLimit of both endpoints (BENCH_LIMIT, default unset = the prefetch count)
          --concurrency C       lanes of the raw floors (BENCH_CONCURRENCY, default = limit, else prefetch)
          --duration S          seconds each raw floor measures, after one second of warm-up (BENCH_DURATION, default 8)
          --timeout S           upper bound of each platform phase, seconds (BENCH_TIMEOUT, default 90)
          --warmup-chains N     chains run before measuring, so the endpoints' code is compiled (BENCH_WARMUP_CHAINS, default 2 x concurrency)
          --warmup-steps K      steps per warm-up chain (BENCH_WARMUP_STEPS, default 200: tiered compilation keeps recompiling hot code for the first several thousand messages)
          --set KEY=VALUE       extra environment of both endpoint processes (repeatable), e.g. --set DOTNET_gcServer=0
          --sagas-set KEY=VALUE extra environment of the saga endpoint only (repeatable)
          --workers-set KEY=VALUE extra environment of the worker endpoint only (repeatable)
          --connection-options "K=V;..."  appended to the endpoints' Npgsql connection string (BENCH_CONNECTION_OPTIONS)
          --skip-floors         platform only (no ratio is computed)
          --skip-half-load      full load only
          --wait-quiet S        first wait up to S seconds until the machine is idle (under 25% CPU for 3 s) (BENCH_WAIT_QUIET, default 0)
          --endpoint PATH       the workload endpoint to run (BENCH_ENDPOINT, default Orchestration.TestEndpoint.dll next to this program)
          --label TEXT          stored with the results (BENCH_LABEL)
          --results DIR         where <timestamp>.json and latest.json go (BENCH_RESULTS, default <repo>/bench/results)
          --keep                keep the virtual host and schemas afterwards, for inspection
        """;

    public int Chains { get; private set; } = Env("BENCH_CHAINS", 128);
    public int Steps { get; private set; } = Env("BENCH_STEPS", 60);
    public int Prefetch { get; private set; } = Env("BENCH_PREFETCH", 32);
    public int? Limit { get; private set; } = EnvOrNull("BENCH_LIMIT");
    int? _concurrency = EnvOrNull("BENCH_CONCURRENCY");
    public TimeSpan FloorDuration { get; private set; } = TimeSpan.FromSeconds(Env("BENCH_DURATION", 8));
    public TimeSpan PhaseTimeout { get; private set; } = TimeSpan.FromSeconds(Env("BENCH_TIMEOUT", 90));
    int? _warmupChains = EnvOrNull("BENCH_WARMUP_CHAINS");
    public int WarmupSteps { get; private set; } = Env("BENCH_WARMUP_STEPS", 200);
    public Dictionary<string, string> EndpointEnvironment { get; } = [];
    public Dictionary<string, string> SagasEnvironment { get; } = [];
    public Dictionary<string, string> WorkersEnvironment { get; } = [];
    public string ConnectionOptions { get; private set; } = Environment.GetEnvironmentVariable("BENCH_CONNECTION_OPTIONS") ?? "";
    public bool SkipFloors { get; private set; }
    public bool SkipHalfLoad { get; private set; }
    public string Label { get; private set; } = Environment.GetEnvironmentVariable("BENCH_LABEL") ?? "";
    public string ResultsDirectory { get; private set; } = Environment.GetEnvironmentVariable("BENCH_RESULTS") ?? DefaultResultsDirectory();
    public bool Keep { get; private set; }
    public string EndpointAssembly { get; private set; } = Environment.GetEnvironmentVariable("BENCH_ENDPOINT") is { Length: > 0 } endpoint
        ? Path.GetFullPath(endpoint)
        : Path.Combine(AppContext.BaseDirectory, "Orchestration.TestEndpoint.dll");

    public TimeSpan WaitQuiet { get; private set; } = TimeSpan.FromSeconds(Env("BENCH_WAIT_QUIET", 0));

    /// <summary>Messages each platform receive endpoint handles at once: the concurrency the raw floors copy.</summary>
    public int PlatformConcurrency => Limit ?? Prefetch;

    public int Concurrency => _concurrency ?? PlatformConcurrency;

    public int WarmupChains => _warmupChains ?? 2 * PlatformConcurrency;

    public static BenchmarkSettings Parse(string[] args)
    {
        var settings = new BenchmarkSettings();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            int Number() => int.Parse(Value(), CultureInfo.InvariantCulture) is var n and > 0 ? n : throw new ArgumentException($"{args[i]} must be positive.");

            switch (args[i])
            {
                case "--chains": settings.Chains = Number(); break;
                case "--steps": settings.Steps = Number(); break;
                case "--prefetch": settings.Prefetch = Number(); break;
                case "--limit": settings.Limit = Number(); break;
                case "--concurrency": settings._concurrency = Number(); break;
                case "--duration": settings.FloorDuration = TimeSpan.FromSeconds(Number()); break;
                case "--timeout": settings.PhaseTimeout = TimeSpan.FromSeconds(Number()); break;
                case "--warmup-chains": settings._warmupChains = Number(); break;
                case "--warmup-steps": settings.WarmupSteps = Number(); break;
                case "--set": AddSetting(settings.EndpointEnvironment, Value()); break;
                case "--sagas-set": AddSetting(settings.SagasEnvironment, Value()); break;
                case "--workers-set": AddSetting(settings.WorkersEnvironment, Value()); break;
                case "--connection-options": settings.ConnectionOptions = Value(); break;
                case "--skip-floors": settings.SkipFloors = true; break;
                case "--skip-half-load": settings.SkipHalfLoad = true; break;
                case "--label": settings.Label = Value(); break;
                case "--results": settings.ResultsDirectory = Value(); break;
                case "--keep": settings.Keep = true; break;
                case "--endpoint": settings.EndpointAssembly = Path.GetFullPath(Value()); break;
                case "--wait-quiet": settings.WaitQuiet = TimeSpan.FromSeconds(Number()); break;
                default: throw new ArgumentException($"Unknown option '{args[i]}'.\n\n{Usage}");
            }
        }

        if (settings.Prefetch > ushort.MaxValue)
            throw new ArgumentException("--prefetch is at most 65535.");
        return settings;
    }

    /// <summary>The settings as stored with the results (no secrets: connection options may not carry a password).</summary>
    public object Describe() => new
    {
        Chains,
        Steps,
        Prefetch,
        Limit,
        PlatformConcurrency,
        FloorConcurrency = Concurrency,
        FloorSeconds = FloorDuration.TotalSeconds,
        PhaseTimeoutSeconds = PhaseTimeout.TotalSeconds,
        WarmupChains,
        WarmupSteps,
        EndpointEnvironment,
        SagasEnvironment,
        WorkersEnvironment,
        ConnectionOptions,
        EndpointAssembly,
    };

    static void AddSetting(Dictionary<string, string> target, string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
            throw new ArgumentException($"'{pair}' is not KEY=VALUE.");
        target[pair[..equals]] = pair[(equals + 1)..];
    }

    static int Env(string name, int fallback) => EnvOrNull(name) ?? fallback;

    static int? EnvOrNull(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? int.Parse(value, CultureInfo.InvariantCulture) : null;

    static string DefaultResultsDirectory()
    {
        for (var directory = new DirectoryInfo(Environment.CurrentDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Orchestration.sln")))
                return Path.Combine(directory.FullName, "bench", "results");
        }

        return Path.Combine(Environment.CurrentDirectory, "bench", "results");
    }
}
