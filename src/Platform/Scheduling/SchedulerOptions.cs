namespace Orchestration.Platform.Scheduling;

public sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>Whether this endpoint hosts the durable scheduler (Operations does; any endpoint may opt in).</summary>
    public bool Host { get; set; }

    /// <summary>The queue the scheduler consumes <c>ScheduleMessage</c> and <c>CancelScheduledMessage</c> from.</summary>
    public string Queue { get; set; } = "scheduler";

    /// <summary>Longest sleep between looks for due messages; a newly scheduled near-term message wakes it sooner.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Due messages sent per transaction.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// Longest pause between attempts to store a schedule request while the database is unavailable. The request is
    /// retried for as long as the outage lasts; this only bounds how soon after the database returns it is stored.
    /// </summary>
    public TimeSpan DatabaseRetryMaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a cancellation is remembered, so a late or repeated schedule for the same token never fires.</summary>
    public TimeSpan CancellationMemory { get; set; } = TimeSpan.FromDays(7);
}
