using Microsoft.Extensions.Hosting;
using Orchestration.Platform.Hosting;
using Orchestration.Platform.Outbox;

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
    BusStarted busStarted,
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
                var looked = time.GetUtcNow().ToUnixTimeMilliseconds();
                while (await DispatchDueAsync(stoppingToken) == options.Value.BatchSize) { }
                failures = 0;

                // A row that was sendable when this look began and is still open was skipped: another instance holds it
                // while sending it. Looking again at once would spin until that instance commits, so wait a poll interval.
                var sleep = options.Value.PollInterval;
                if (await store.NextDueAsync(stoppingToken) is { } next && next > looked)
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
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 250 * failures)), time, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>
    /// Sends one batch of due messages; returns how many rows it claimed. A row that cannot be sent records a failed
    /// attempt and steps aside (parked after <see cref="SchedulerOptions.MaxAttempts"/>); the rows sent before and
    /// after it are closed in the same commit, so nothing is sent twice because of it. When the broker cannot be
    /// reached, the rows sent so far are still closed before the failure is reported.
    /// </summary>
    public async Task<int> DispatchDueAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        await session.BeginAsync(cancellationToken);
        try
        {
            var due = await store.ClaimDueAsync(session, time.GetUtcNow().ToUnixTimeMilliseconds(), options.Value.BatchSize, cancellationToken);
            Exception? brokerUnavailable = null;
            foreach (var row in due)
            {
                try
                {
                    await delivery.SendAsync(row.Message, cancellationToken);
                }
                catch (Exception exception) when (DeliveryFailure.IsRowFailure(exception, cancellationToken))
                {
                    var failure = DeliveryFailure.Of(exception, row.Attempts, time.GetUtcNow(), options.Value.RetryDelay, options.Value.MaxAttempts,
                        cancellationToken);
                    var (attempts, parked) = await store.RecordFailureAsync(session, row.TokenId, failure, cancellationToken);
                    if (parked)
                        logger.LogError(exception, "Parked scheduled message of token {TokenId} after {Attempts} failed attempts; an operator must unpark it",
                            row.TokenId, attempts);
                    else if (failure.Counted)
                        logger.LogWarning(exception, "Sending the scheduled message of token {TokenId} failed (attempt {Attempts}); it is tried again later",
                            row.TokenId, attempts);

                    if (!failure.Counted)
                    {
                        brokerUnavailable = exception;
                        break;
                    }

                    continue;
                }

                await store.CloseAsync(session, row.TokenId, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken);
                logger.LogDebug("Sent scheduled message {MessageId} (token {TokenId}) to {Destination}", row.Message.MessageId, row.TokenId,
                    row.Message.DestinationAddress);
            }

            await session.CommitAsync(cancellationToken);
            if (brokerUnavailable is not null)
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(brokerUnavailable);
            return due.Count;
        }
        catch
        {
            await session.RollbackAsync();
            throw;
        }
    }
}
