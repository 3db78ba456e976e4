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

    /// <summary>
    /// How long a sent or cancelled token is remembered (its tombstone), so a late or repeated schedule for the same token
    /// never fires. A schedule request arrives late only after being held somewhere (an outbox row waiting out failed
    /// attempts, a message re-driven from an error queue), so this is kept well beyond the seven-day duplicate-detection
    /// window of the inbox.
    /// </summary>
    public TimeSpan CancellationMemory { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often tombstones older than <see cref="CancellationMemory"/> are removed.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Failed attempts after which a due message that cannot be sent is parked: kept with its error for an operator,
    /// and no longer tried. A broker that cannot be reached at all does not count.
    /// </summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Wait before the second attempt of a failed message; it doubles with each attempt, up to five minutes.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
