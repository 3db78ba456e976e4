using Microsoft.Extensions.Hosting;

namespace Orchestration.Platform.Outbox;

/// <summary>
/// Writes the "delivered" marks of handled messages in batches: one transaction for everything that arrived
/// meanwhile, instead of a second commit per message. A batch that fails is kept and written again.
/// </summary>
public sealed class DeliveredMarker(SqlOutboxDelivery delivery, ILogger<DeliveredMarker> logger) : BackgroundService
{
    const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = delivery.DeliveredMarks;
        var batch = new List<(Guid MessageId, Guid ConsumerId)>(BatchSize);
        var failures = 0;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                // A failed batch is retried without waiting for new marks.
                if (batch.Count == 0 && !await reader.WaitToReadAsync(stoppingToken))
                    break;

                while (batch.Count < BatchSize && reader.TryRead(out var mark))
                    batch.Add(mark);

                try
                {
                    await delivery.CompleteInboxesAsync(batch, stoppingToken);
                    batch.Clear();
                    failures = 0;
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    failures++;
                    logger.LogWarning(exception, "Marking {Count} messages delivered failed ({Failures} in a row); retrying", batch.Count, failures);
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 * failures)), stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        // Whatever is left unmarked stays "consumed, not delivered": the sweeper resends it after a restart.
        while (reader.TryRead(out var mark))
            batch.Add(mark);
        if (batch.Count > 0)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await delivery.CompleteInboxesAsync(batch, timeout.Token);
            }
            catch (Exception exception)
            {
                logger.LogWarning(exception, "{Count} delivered marks were not written at shutdown; the sweeper will resend those messages", batch.Count);
            }
        }
    }
}
