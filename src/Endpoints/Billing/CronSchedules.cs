using Cronos;
using MassTransit;
using MassTransit.Scheduling;
using Orchestration.Platform.Scheduling;

namespace Orchestration.Endpoints.Billing;

/// <summary>Billing's schedules (rent runs, reconciliation): cron expressions in UTC, their occurrences sent through the durable scheduler.</summary>
public static class CronSchedules
{
    /// <summary>Five fields, or six with seconds first; null when the expression is not one.</summary>
    public static CronExpression? Parse(string expression)
    {
        var format = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        return CronExpression.TryParse(expression, format, out var cron) ? cron : null;
    }

    public static Uri SchedulerQueue(SchedulerOptions scheduler) => new($"queue:{scheduler.Queue}");
}

/// <summary>
/// Schedules a schedule's next occurrence when the endpoint starts, so it runs without anyone starting it; every instance
/// does, and each occurrence carries a token of its own, so all of them schedule the one message of that occurrence.
/// </summary>
public abstract class CronScheduleStarter(IBus bus, IOptions<SchedulerOptions> scheduler, TimeProvider time, ILogger logger) : BackgroundService
{
    static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    /// <summary>The schedule's name in the log.</summary>
    protected abstract string Name { get; }

    /// <summary>The configured expression; empty leaves the schedule off.</summary>
    protected abstract string Expression { get; }

    /// <summary>The scheduler's request for the first occurrence after <paramref name="after"/>; null when there is none.</summary>
    protected abstract ScheduleMessage? Next(CronExpression cron, DateTimeOffset after);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (CronSchedules.Parse(Expression) is not { } cron)
            return;

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (Next(cron, time.GetUtcNow()) is not { } next)
                    return;
                var endpoint = await bus.GetSendEndpoint(CronSchedules.SchedulerQueue(scheduler.Value));
                await endpoint.Send(next, stoppingToken);
                logger.LogInformation("{Schedule} schedule: the next occurrence is due at {DueAt}", Name, next.ScheduledTime);
                return;
            }
            catch (Exception failed) when (failed is not OperationCanceledException)
            {
                // The broker may not be reachable yet at start-up; the schedule waits for it rather than failing the host.
                logger.LogWarning(failed, "{Schedule} schedule: the next occurrence could not be scheduled yet; trying again in {RetryAfter}", Name, RetryAfter);
                await Task.Delay(RetryAfter, time, stoppingToken);
            }
        }
    }
}
