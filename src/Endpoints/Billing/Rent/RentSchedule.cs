using System.Globalization;
using Cronos;
using MassTransit;
using MassTransit.Scheduling;
using Orchestration.Messages.Billing;
using Orchestration.Platform.Scheduling;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>
/// The monthly rent schedule (<see cref="RentOptions.Schedule"/>) on the durable scheduler. Each occurrence is scheduled
/// under a token derived from its period, so every Billing instance that schedules it schedules the same message, and
/// one already sent leaves a tombstone that drops a late repeat; the run it starts has an id derived from the period,
/// so even a second start posts nothing.
/// </summary>
public static class RentSchedule
{
    public static CronExpression? Parse(string expression)
    {
        var format = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        return CronExpression.TryParse(expression, format, out var cron) ? cron : null;
    }

    /// <summary>The first occurrence after <paramref name="after"/>, as the message the scheduler delivers then; null when there is none.</summary>
    public static RentScheduleDue? Next(CronExpression cron, DateTimeOffset after) =>
        cron.GetNextOccurrence(after, TimeZoneInfo.Utc) is { } due
            ? new RentScheduleDue { Period = due.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture), DueAt = due }
            : null;

    /// <summary>The scheduler's request for the occurrence, sent to the scheduler's queue.</summary>
    public static ScheduleMessage Request(RentScheduleDue due) =>
        new ScheduleMessageCommand<RentScheduleDue>(due.DueAt.UtcDateTime, new Uri($"queue:{CommandRoutes.RentRuns}"), due, RentIds.ScheduleToken(due.Period));

    public static Uri SchedulerQueue(SchedulerOptions scheduler) => new($"queue:{scheduler.Queue}");
}

/// <summary>Starts the period's run when its occurrence is due, and schedules the next occurrence.</summary>
public sealed class RentScheduleDueConsumer(IOptions<RentOptions> options, IOptions<SchedulerOptions> scheduler, TimeProvider time,
    ILogger<RentScheduleDueConsumer> logger) : IConsumer<RentScheduleDue>
{
    public async Task Consume(ConsumeContext<RentScheduleDue> context)
    {
        var due = context.Message;
        logger.LogInformation("Rent schedule: the run for {Period} starts", due.Period);
        await context.Send(new StartRentRun { RentRunId = RentIds.ScheduledRun(due.Period), Period = due.Period, RequestedAt = time.GetUtcNow() },
            context.CancellationToken);

        if (RentSchedule.Parse(options.Value.Schedule) is { } cron && RentSchedule.Next(cron, due.DueAt) is { } next)
        {
            var endpoint = await context.GetSendEndpoint(RentSchedule.SchedulerQueue(scheduler.Value));
            await endpoint.Send(RentSchedule.Request(next), context.CancellationToken);
        }
    }
}

/// <summary>
/// Schedules the next occurrence when the endpoint starts, so a schedule runs without anyone starting it; every instance
/// does, and all of them schedule the one message of that period.
/// </summary>
public sealed class RentScheduleStarter(IBus bus, IOptions<RentOptions> options, IOptions<SchedulerOptions> scheduler, TimeProvider time,
    ILogger<RentScheduleStarter> logger) : BackgroundService
{
    static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (RentSchedule.Parse(options.Value.Schedule) is not { } cron)
            return;

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (RentSchedule.Next(cron, time.GetUtcNow()) is not { } next)
                    return;
                var endpoint = await bus.GetSendEndpoint(RentSchedule.SchedulerQueue(scheduler.Value));
                await endpoint.Send(RentSchedule.Request(next), stoppingToken);
                logger.LogInformation("Rent schedule: the run for {Period} is due at {DueAt}", next.Period, next.DueAt);
                return;
            }
            catch (Exception failed) when (failed is not OperationCanceledException)
            {
                // The broker may not be reachable yet at start-up; the schedule waits for it rather than failing the host.
                logger.LogWarning(failed, "Rent schedule: the next run could not be scheduled yet; trying again in {RetryAfter}", RetryAfter);
                await Task.Delay(RetryAfter, time, stoppingToken);
            }
        }
    }
}
