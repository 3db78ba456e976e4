using System.Net.Mail;
using System.Globalization;
using Cronos;
using MassTransit;
using MassTransit.Scheduling;
using Orchestration.Messages.Billing;
using Orchestration.Platform.Scheduling;

namespace Orchestration.Endpoints.Billing.Reconciliation;

/// <summary>The daily reconciliation (<c>Billing:Reconciliation</c>).</summary>
public sealed class ReconciliationOptions : IValidatableOptions
{
    public const string Section = "Billing:Reconciliation";

    /// <summary>
    /// When the daily reconciliation runs by itself: a cron expression in UTC (five fields, or six with seconds first),
    /// such as <c>0 5 * * *</c>. Each occurrence compares the payments of the whole UTC day before it. Empty (the
    /// default) leaves runs to <c>POST /api/reconciliation/runs</c>.
    /// </summary>
    public string Schedule { get; set; } = "";

    /// <summary>
    /// The accountants emailed (as an alert, through Notifications) when a run finds any difference; none by default, when
    /// the report is only there to be read.
    /// </summary>
    public List<string> AccountantEmails { get; set; } = [];

    public IEnumerable<string> Problems()
    {
        if (Schedule.Length > 0 && CronSchedules.Parse(Schedule) is null)
            yield return $"{Section}:Schedule '{Schedule}' is not a cron expression (five fields, or six with seconds first).";
        foreach (var address in AccountantEmails.Where(a => !MailAddress.TryCreate(a, out _)))
            yield return $"{Section}:AccountantEmails '{address}' is not an email address.";
    }
}

/// <summary>
/// The daily schedule on the durable scheduler: each occurrence is scheduled under a token derived from the day it
/// reconciles, and starts a run whose id derives from that day, so however many instances schedule it, the day is
/// reconciled once.
/// </summary>
public static class ReconciliationSchedule
{
    public static ReconciliationScheduleDue? Next(CronExpression cron, DateTimeOffset after) =>
        cron.GetNextOccurrence(after, TimeZoneInfo.Utc) is { } due
            ? new ReconciliationScheduleDue
            {
                Day = DateOnly.FromDateTime(due.UtcDateTime).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                DueAt = due,
            }
            : null;

    public static ScheduleMessage Request(ReconciliationScheduleDue due) =>
        new ScheduleMessageCommand<ReconciliationScheduleDue>(due.DueAt.UtcDateTime, new Uri($"queue:{CommandRoutes.Reconciliation}"), due,
            RentIds.From($"reconciliation-schedule:{due.Day}"));

    /// <summary>The run of a day: its id derives from the day.</summary>
    public static StartReconciliationRun RunFor(string day, DateTimeOffset requestedAt)
    {
        var from = new DateTimeOffset(DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return new StartReconciliationRun { RunId = RentIds.From($"reconciliation:{day}"), From = from, To = from.AddDays(1), RequestedAt = requestedAt };
    }
}

/// <summary>Starts the day's run when its occurrence is due, and schedules the next occurrence.</summary>
public sealed class ReconciliationScheduleDueConsumer(IOptions<ReconciliationOptions> options, IOptions<SchedulerOptions> scheduler, TimeProvider time,
    ILogger<ReconciliationScheduleDueConsumer> logger) : IConsumer<ReconciliationScheduleDue>
{
    public async Task Consume(ConsumeContext<ReconciliationScheduleDue> context)
    {
        var due = context.Message;
        logger.LogInformation("Reconciliation schedule: the run for {Day} starts", due.Day);
        await context.Send(ReconciliationSchedule.RunFor(due.Day, time.GetUtcNow()), context.CancellationToken);

        if (CronSchedules.Parse(options.Value.Schedule) is { } cron && ReconciliationSchedule.Next(cron, due.DueAt) is { } next)
        {
            var endpoint = await context.GetSendEndpoint(CronSchedules.SchedulerQueue(scheduler.Value));
            await endpoint.Send(ReconciliationSchedule.Request(next), context.CancellationToken);
        }
    }
}

/// <summary>Schedules the daily reconciliation's next occurrence when the endpoint starts (<see cref="CronScheduleStarter"/>).</summary>
public sealed class ReconciliationScheduleStarter(IBus bus, IOptions<ReconciliationOptions> options, IOptions<SchedulerOptions> scheduler,
    TimeProvider time, ILogger<ReconciliationScheduleStarter> logger) : CronScheduleStarter(bus, scheduler, time, logger)
{
    protected override string Name => "Reconciliation";

    protected override string Expression => options.Value.Schedule;

    protected override ScheduleMessage? Next(CronExpression cron, DateTimeOffset after) =>
        ReconciliationSchedule.Next(cron, after) is { } next ? ReconciliationSchedule.Request(next) : null;
}
