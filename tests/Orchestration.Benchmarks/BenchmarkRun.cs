using System.Runtime.InteropServices;

namespace Orchestration.Benchmarks;

/// <summary>One run: the two raw floors, then the platform, then the verdict against the targets.</summary>
public sealed class BenchmarkRun(BenchmarkSettings settings, Servers servers)
{
    public async Task<BenchmarkResult> RunAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        if (settings.WaitQuiet > TimeSpan.Zero)
        {
            progress($"waiting up to {settings.WaitQuiet.TotalSeconds} s for an idle machine");
            progress(await WaitForIdleMachineAsync(settings.WaitQuiet, cancellationToken) ? "the machine is idle" : "the machine stayed busy; measuring anyway");
        }

        var timestamp = DateTimeOffset.UtcNow.ToString("yyyyMMdd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
        var loadBefore = LoadAverage();
        // Another workload on the two cores (a test suite, a build) would be measured along with the platform.
        var busyPercent = await MachineBusyPercentAsync(cancellationToken);
        var busyBefore = busyPercent > 25 ? $"{busyPercent:F0}% CPU busy, load average {loadBefore}" : null;
        FloorResult? rabbit = null, postgres = null;
        var platform = new PlatformBenchmark(settings, servers);
        string? error = null;

        try
        {
            await servers.CreateVirtualHostAsync(cancellationToken);
            if (!settings.SkipFloors)
            {
                progress($"raw RabbitMQ floor: {settings.Concurrency} lanes for {settings.FloorDuration.TotalSeconds} s");
                rabbit = await new RabbitFloor(servers).RunAsync(settings.Concurrency, settings.FloorDuration, cancellationToken);
                progress($"raw PostgreSQL floor: {settings.Concurrency} lanes for {settings.FloorDuration.TotalSeconds} s");
                postgres = await new PostgresFloor(servers, settings.ConnectionOptions).RunAsync(settings.Concurrency, settings.FloorDuration, cancellationToken);
            }

            await platform.RunAsync(progress, cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = $"{exception.GetType().Name}: {exception.Message}";
        }
        finally
        {
            if (!settings.Keep)
                error = await CleanUpAsync(error);
        }

        var lower = new[] { rabbit, postgres }.OfType<FloorResult>().MinBy(f => f.OperationsPerSecond);
        double? ratio = lower is not null && platform.Result.FullLoad is { } full ? Math.Round(full.StepsPerSecond / lower.OperationsPerSecond, 3) : null;
        var machine = new
        {
            Environment.ProcessorCount,
            Os = RuntimeInformation.OSDescription,
            Runtime = RuntimeInformation.FrameworkDescription,
            LoadAverageBefore = loadBefore,
            LoadAverageAfter = LoadAverage(),
        };

        return new BenchmarkResult(timestamp, settings.Label, machine, settings.Describe(), rabbit, postgres, platform.Result, ratio, lower?.Name,
            BenchmarkReport.Targets(platform.Result, ratio), busyBefore, error);
    }

    static async Task<double> MachineBusyPercentAsync(CancellationToken cancellationToken)
    {
        var (busy, total) = ProcessStats.MachineCpuMilliseconds();
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var (busyNow, totalNow) = ProcessStats.MachineCpuMilliseconds();
        return 100 * (busyNow - busy) / Math.Max(1, totalNow - total);
    }

    /// <summary>True once the whole machine used under a quarter of its CPU for three seconds in a row.</summary>
    static async Task<bool> WaitForIdleMachineAsync(TimeSpan limit, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + limit;
        var quietSeconds = 0;
        while (DateTimeOffset.UtcNow < deadline && quietSeconds < 3)
            quietSeconds = await MachineBusyPercentAsync(cancellationToken) < 25 ? quietSeconds + 1 : 0;
        return quietSeconds >= 3;
    }

    static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "0 0 0";

    // A server restarted by someone else must not hide the results measured so far.
    async Task<string?> CleanUpAsync(string? error)
    {
        try
        {
            await servers.DeleteVirtualHostAsync();
            await servers.DropSchemasAsync();
            return error;
        }
        catch (Exception exception) when (exception is HttpRequestException or Npgsql.NpgsqlException or TaskCanceledException)
        {
            var cleanup = $"clean-up of {servers.VirtualHost} / bench_{servers.RunId}_* failed: {exception.Message}";
            return error is null ? cleanup : $"{error}; {cleanup}";
        }
    }
}
