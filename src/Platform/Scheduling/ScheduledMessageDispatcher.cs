using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Storage;

namespace Orchestration.Platform.Scheduling;

/// <summary>
/// Sends scheduled messages when they fall due. Each batch is claimed with row locks that other instances skip,
/// sent, and closed in one transaction: a crash mid-batch re-sends the batch, and the receivers' inbox drops the
/// copies (the message id is kept). Rows survive restarts, so a timeout fires even if its process was down.
/// </summary>
public sealed class ScheduledMessageDispatcher(
    IServiceScopeFactory scopes,
    SchedulerStore store,
    SqlOutboxDelivery delivery,
    IOptions<SchedulerOptions> options,
    TimeProvider time,
    ILogger<ScheduledMessageDispatcher> logger) : BackgroundService
{
    readonly SemaphoreSlim _wake = new(0);

    /// <summary>A message was scheduled; wake up early if it is due before the next planned look.</summary>
    public void WakeBy(DateTimeOffset dueAt)
    {
        if (dueAt - time.GetUtcNow() < options.Value.PollInterval && _wake.CurrentCount == 0)
            _wake.Release();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchDueAsync(stoppingToken) == options.Value.BatchSize) { }
                failures = 0;

                var sleep = options.Value.PollInterval;
                if (await store.NextDueAsync(stoppingToken) is { } next)
                {
                    var untilDue = DateTimeOffset.FromUnixTimeMilliseconds(next) - time.GetUtcNow();
                    if (untilDue < sleep)
                        sleep = untilDue < TimeSpan.Zero ? TimeSpan.Zero : untilDue;
                }

                await _wake.WaitAsync(sleep, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                failures++;
                logger.LogWarning(exception, "Sending scheduled messages failed ({Failures} in a row); retrying", failures);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * failures)), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Sends one batch of due messages; returns how many were sent.</summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        await session.BeginAsync(cancellationToken);
        try
        {
            var due = await store.ClaimDueAsync(session, time.GetUtcNow().ToUnixTimeMilliseconds(), options.Value.BatchSize, cancellationToken);
            foreach (var (tokenId, message) in due)
            {
                await delivery.SendAsync(message, cancellationToken);
                await store.CloseAsync(session, tokenId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
                logger.LogDebug("Sent scheduled message {MessageId} (token {TokenId}) to {Destination}", message.MessageId, tokenId, message.DestinationAddress);
            }

            await session.CommitAsync(cancellationToken);
            return due.Count;
        }
        catch
        {
            await session.RollbackAsync();
            throw;
        }
    }
}
