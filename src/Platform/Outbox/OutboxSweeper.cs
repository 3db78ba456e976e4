using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Orchestration.Platform.Outbox;

/// <summary>
/// Delivers what is committed but not yet at the broker: bus-outbox transactions (right after they commit) and the
/// outgoing messages of handlers that crashed between commit and delivery. Several instances share the work through
/// row locks that skip what another instance holds.
/// </summary>
public sealed class OutboxSweeper(SqlOutboxDelivery delivery, IOptions<OutboxOptions> options, ILogger<OutboxSweeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await delivery.DeliverNextOutboxAsync(stoppingToken)) { }
                while (await delivery.DeliverNextOrphanAsync(stoppingToken)) { }
                failures = 0;
                await delivery.WaitAsync(options.Value.SweepInterval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                // The broker or the database is away: what was not delivered stays committed and is retried.
                failures++;
                logger.LogWarning(exception, "Outbox delivery failed ({Failures} in a row); retrying", failures);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * failures)), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}

/// <summary>Removes duplicate-detection records older than the configured window.</summary>
public sealed class InboxCleanup(OutboxStore store, IOptions<OutboxOptions> options, TimeProvider time, ILogger<InboxCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CleanupInterval, time);
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
                    logger.LogWarning(exception, "Inbox clean-up failed; it runs again in {Interval}", options.Value.CleanupInterval);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = (time.GetUtcNow() - options.Value.DuplicateDetectionWindow).ToUnixTimeMilliseconds();
        var removed = await store.RemoveExpiredInboxAsync(cutoff, cancellationToken);
        if (removed > 0)
            logger.LogInformation("Removed {Count} duplicate-detection records older than {Window}", removed, options.Value.DuplicateDetectionWindow);
        return removed;
    }
}
