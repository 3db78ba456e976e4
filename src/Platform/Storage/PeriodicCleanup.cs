using Microsoft.Extensions.Hosting;

namespace Orchestration.Platform.Storage;

/// <summary>
/// Keeps a table bounded: removes what is past its retention at start-up and then every <see cref="Interval"/>. A failed
/// run only leaves the rows a little longer; the next run tries again.
/// </summary>
public abstract class PeriodicCleanup(TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    protected ILogger Logger { get; } = logger;

    protected abstract TimeSpan Interval { get; }

    /// <summary>One clean-up; returns how many rows it removed.</summary>
    public abstract Task<int> RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, Time);
        try
        {
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    Logger.LogWarning(exception, "{Cleanup} failed; it runs again in {Interval}", GetType().Name, Interval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
