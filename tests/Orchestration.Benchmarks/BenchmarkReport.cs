using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestration.Benchmarks;

public sealed record Target(string Name, string Goal, string Measured, bool? Met);

public sealed record BenchmarkResult(
    string Timestamp,
    string Label,
    object Machine,
    object Settings,
    FloorResult? RabbitFloor,
    FloorResult? PostgresFloor,
    PlatformResult Platform,
    double? RatioToLowerFloor,
    string? LowerFloor,
    IReadOnlyList<Target> Targets,
    string? BusyBefore,
    string? Error);

/// <summary>Prints a run as plain-text tables and stores it as JSON.</summary>
public static class BenchmarkReport
{
    static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static IReadOnlyList<Target> Targets(PlatformResult platform, double? ratio)
    {
        var full = platform.FullLoad;
        var half = platform.HalfLoad;
        var targets = new List<Target>
        {
            new("throughput", ">= 1000 steps/s", full is null ? "-" : F(full.StepsPerSecond), full is null ? null : full.StepsPerSecond >= 1000),
            new("ratio to lower raw floor", ">= 0.5", ratio is { } r ? F(r, 2) : "-", ratio is null ? null : ratio >= 0.5),
            new("p99 at half load", "< 50 ms", half is null ? "-" : F(half.StepLatency.P99), half is null ? null : half.StepLatency.P99 < 50),
        };
        targets.AddRange(platform.Endpoints.Select(e => new Target($"peak RSS {e.Role}", "< 200 MB", F(e.PeakResidentMb), e.PeakResidentMb < 200)));
        return targets;
    }

    public static string Render(BenchmarkResult result, BenchmarkSettings settings)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Orchestration benchmark {result.Timestamp}{(result.Label.Length > 0 ? $" [{result.Label}]" : "")}");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{Environment.ProcessorCount} cores; prefetch {settings.Prefetch}, concurrent message limit {settings.Limit?.ToString(CultureInfo.InvariantCulture) ?? "unset"} " +
            $"(= {settings.PlatformConcurrency} messages at once per receive endpoint); raw floors at {settings.Concurrency} lanes");
        if (settings.ConnectionOptions.Length > 0)
            text.AppendLine(CultureInfo.InvariantCulture, $"Npgsql connection options of the endpoints and the PostgreSQL floor: {settings.ConnectionOptions}");
        foreach (var (scope, environment) in new[] { ("both endpoints", settings.EndpointEnvironment), ("sagas", settings.SagasEnvironment), ("workers", settings.WorkersEnvironment) })
        {
            if (environment.Count > 0)
                text.AppendLine(CultureInfo.InvariantCulture, $"Environment of {scope}: {string.Join(' ', environment.Select(e => $"{e.Key}={e.Value}"))}");
        }

        if (result.BusyBefore is { } load)
            text.AppendLine(CultureInfo.InvariantCulture, $"WARNING: the machine was busy when the run started ({load}); figures are not comparable.");
        text.AppendLine();

        if (result.RabbitFloor is not null || result.PostgresFloor is not null)
        {
            text.AppendLine("Raw floors");
            var floors = new List<string[]>
            {
                new[] { "floor", "operation", "lanes", "ops", "seconds", "ops/s", "p50 ms", "p95 ms", "p99 ms", "client cpu ms/op", "postgres", "rabbitmq", "machine cpu", "other cpu" },
            };
            foreach (var floor in new[] { result.RabbitFloor, result.PostgresFloor }.OfType<FloorResult>())
            {
                floors.Add([floor.Name, floor.Shape, I(floor.Concurrency), I(floor.Operations), F(floor.Seconds), F(floor.OperationsPerSecond),
                    F(floor.Latency.P50), F(floor.Latency.P95), F(floor.Latency.P99), F(floor.CpuMsPerOperation.Client, 3),
                    F(floor.CpuMsPerOperation.Postgres, 3), F(floor.CpuMsPerOperation.RabbitMq, 3), $"{F(floor.CpuMsPerOperation.MachineBusyPercent)}%",
                    $"{F(floor.CpuMsPerOperation.OtherPercent)}%"]);
            }

            AppendTable(text, floors);
            text.AppendLine();
        }

        var phases = new[] { result.Platform.FullLoad, result.Platform.HalfLoad }.OfType<PhaseResult>().ToList();
        if (phases.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Platform: {settings.Chains} chain sagas x {settings.Steps} steps, outbox on, Role=sagas and Role=workers as two processes");
            var rows = new List<string[]>
            {
                new[] { "phase", "offered/s", "steps", "seconds", "steps/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "cpu ms/step", "sagas", "workers", "postgres", "rabbitmq", "machine cpu", "other cpu", "commits/step", "fsyncs/step" },
            };
            foreach (var phase in phases)
            {
                rows.Add([phase.Name, phase.OfferedStepsPerSecond is { } offered ? F(offered) : "max", I(phase.Steps), F(phase.Seconds), F(phase.StepsPerSecond),
                    F(phase.StepLatency.P50), F(phase.StepLatency.P95), F(phase.StepLatency.P99), F(phase.StepLatency.Max),
                    F(phase.CpuMsPerStep.Endpoints, 3), F(phase.CpuMsPerStep.Sagas, 3), F(phase.CpuMsPerStep.Workers, 3), F(phase.CpuMsPerStep.Postgres, 3),
                    F(phase.CpuMsPerStep.RabbitMq, 3), $"{F(phase.CpuMsPerStep.MachineBusyPercent)}%", $"{F(phase.CpuMsPerStep.OtherPercent)}%",
                    F(phase.Database.Commits, 2), F(phase.Database.WalSyncs, 2)]);
            }

            AppendTable(text, rows);
            text.AppendLine("  cpu ms/step = sagas + workers endpoint processes; postgres and rabbitmq are the servers' processes; other cpu = the");
            text.AppendLine("  machine's CPU used by none of these nor this benchmark (over a few % means the figures are disturbed).");
            text.AppendLine();
        }

        if (result.Platform.Endpoints.Count > 0)
        {
            var endpoints = new List<string[]> { new[] { "endpoint", "pid", "peak RSS MB", "cpu s (whole life)" } };
            endpoints.AddRange(result.Platform.Endpoints.Select(e => new[] { e.Role, I(e.Pid), F(e.PeakResidentMb), F(e.CpuSeconds, 2) }));
            AppendTable(text, endpoints);
            text.AppendLine();
        }

        if (result.Platform.Consistency is { } check)
        {
            text.AppendLine(CultureInfo.InvariantCulture,
                $"Consistency: {check.ChainsDone}/{check.ChainsStarted} chains Done, {check.EffectRows}/{check.StepsExpected} effect rows -> {(check.Holds ? "holds" : "BROKEN")}");
        }

        if (result.RatioToLowerFloor is { } ratio)
            text.AppendLine(CultureInfo.InvariantCulture, $"Ratio: platform steps/s / {result.LowerFloor} ops/s = {F(ratio, 2)}");
        text.AppendLine();

        var targets = new List<string[]> { new[] { "target", "goal", "measured", "" } };
        targets.AddRange(result.Targets.Select(t => new[] { t.Name, t.Goal, t.Measured, t.Met switch { true => "met", false => "MISSED", null => "n/a" } }));
        AppendTable(text, targets);

        if (result.Error is not null)
        {
            // The JSON keeps the whole message (with the endpoint's last output); the table its start.
            var error = result.Error.Length > 800 ? result.Error[..800] + " ..." : result.Error;
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"ERROR: {error}");
        }
        return text.ToString();
    }

    public static async Task<string> WriteAsync(BenchmarkResult result, string directory)
    {
        Directory.CreateDirectory(directory);
        var json = JsonSerializer.Serialize(result, Json);
        var path = Path.Combine(directory, $"{result.Timestamp}.json");
        await File.WriteAllTextAsync(path, json);
        await File.WriteAllTextAsync(Path.Combine(directory, "latest.json"), json);
        return path;
    }

    static void AppendTable(StringBuilder text, List<string[]> rows)
    {
        var widths = Enumerable.Range(0, rows[0].Length).Select(c => rows.Max(r => r[c].Length)).ToArray();
        foreach (var row in rows)
        {
            text.Append("  ");
            for (var c = 0; c < row.Length; c++)
            {
                // Text columns (the first two of a floor, the first of the others) align left, numbers right.
                var left = c == 0 || row[c].Any(char.IsLetter) && !row[c].EndsWith('%');
                text.Append(left ? row[c].PadRight(widths[c]) : row[c].PadLeft(widths[c]));
                text.Append(c < row.Length - 1 ? "  " : "");
            }

            text.AppendLine();
        }
    }

    static string F(double value, int decimals = 1) =>
        double.IsNaN(value) ? "-" : value.ToString(decimals == 1 ? "#,0.0" : "#,0." + new string('0', decimals), CultureInfo.InvariantCulture);

    static string I(long value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
