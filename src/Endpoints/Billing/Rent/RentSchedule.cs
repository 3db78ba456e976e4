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
    /// <summary>The first occurrence after <paramref name="after"/>, as the message the scheduler delivers then; null when there is none.</summary>
    public static RentScheduleDue? Next(CronExpression cron, DateTimeOffset after) =>
        cron.GetNextOccurrence(after, TimeZoneInfo.Utc) is { } due
            ? new RentScheduleDue { Period = due.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture), DueAt = due }
            : null;

    /// <summary>The scheduler's request for the occurrence, sent to the scheduler's queue.</summary>
    public static ScheduleMessage Request(RentScheduleDue due) =>
        new ScheduleMessageCommand<RentScheduleDue>(due.DueAt.UtcDateTime, new Uri($"queue:{CommandRoutes.RentRuns}"), due, RentIds.ScheduleToken(due.Period));
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

        if (CronSchedules.Parse(options.Value.Schedule) is { } cron && RentSchedule.Next(cron, due.DueAt) is { } next)
        {
            var endpoint = await context.GetSendEndpoint(CronSchedules.SchedulerQueue(scheduler.Value));
            await endpoint.Send(RentSchedule.Request(next), context.CancellationToken);
        }
    }
}

/// <summary>Schedules the rent schedule's next occurrence when the endpoint starts (<see cref="CronScheduleStarter"/>).</summary>
public sealed class RentScheduleStarter(IBus bus, IOptions<RentOptions> options, IOptions<SchedulerOptions> scheduler, TimeProvider time,
    ILogger<RentScheduleStarter> logger) : CronScheduleStarter(bus, scheduler, time, logger)
{
    protected override string Name => "Rent";

    protected override string Expression => options.Value.Schedule;

    protected override ScheduleMessage? Next(CronExpression cron, DateTimeOffset after) =>
        RentSchedule.Next(cron, after) is { } next ? RentSchedule.Request(next) : null;
}
