using Microsoft.Extensions.Hosting;
using Orchestration.Platform.Hosting;

namespace Orchestration.Platform.Outbox;

/// <summary>
/// Delivers what is committed but not yet at the broker: bus-outbox transactions (right after they commit) and the
/// outgoing messages of handlers that crashed between commit and delivery. Several instances share the work through
/// row locks that skip what another instance holds.
/// </summary>
public sealed class OutboxSweeper(
    SqlOutboxDelivery delivery, BusStarted busStarted, IOptions<OutboxOptions> options, TimeProvider time, ILogger<OutboxSweeper> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await busStarted.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Each loop runs even when the other failed: a broken bus-outbox pass must not hold back the orphans.
                var outbox = await DrainAsync(delivery.DeliverNextOutboxAsync, "bus-outbox transactions", failures, stoppingToken);
                var orphans = await DrainAsync(delivery.DeliverNextOrphanAsync, "crash-left outputs", failures, stoppingToken);
                if (outbox && orphans)
                {
                    failures = 0;
                    await delivery.WaitAsync(options.Value.SweepInterval, stoppingToken);
                }
                else
                {
                    // The broker or the database is away: what was not delivered stays committed and is retried.
                    failures++;
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * failures)), time, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    async Task<bool> DrainAsync(Func<CancellationToken, Task<bool>> deliverNext, string what, int failures, CancellationToken stoppingToken)
    {
        try
        {
            while (await deliverNext(stoppingToken)) { }
            return true;
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Delivering {What} failed ({Failures} in a row); retrying", what, failures + 1);
            return false;
        }
    }
}

/// <summary>Removes duplicate-detection records older than <see cref="OutboxOptions.DuplicateDetectionWindow"/>.</summary>
public sealed class InboxCleanup(OutboxStore store, IOptions<OutboxOptions> options, TimeProvider time, ILogger<InboxCleanup> logger)
    : RetentionCleanup(time, logger, "duplicate-detection records", options.Value.CleanupInterval, options.Value.DuplicateDetectionWindow,
        (cutoff, cancellationToken) => store.RemoveExpiredInboxAsync(cutoff.ToUnixTimeMilliseconds(), cancellationToken));
