namespace Orchestration.Platform.Outbox;

public sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>How long a processed message id is remembered, so a redelivered copy is recognised and dropped.</summary>
    public TimeSpan DuplicateDetectionWindow { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often expired duplicate-detection records are removed.</summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the sweeper looks for committed messages that were never handed to the broker.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A consumed message whose outgoing messages are still undelivered after this long is taken as left behind by a
    /// crash; the sweeper then delivers them. Until then, the redelivered incoming message normally finishes the job.
    /// </summary>
    public TimeSpan OrphanAge { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for the broker to confirm one outgoing message.</summary>
    public TimeSpan DeliveryTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Failed attempts after which a stored row that cannot be sent (a bus-outbox transaction, or the output of a
    /// consumed message) is parked: kept with its error for an operator, and no longer tried. A broker that cannot be
    /// reached at all does not count.
    /// </summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Wait before the second attempt of a failed row; it doubles with each attempt, up to five minutes.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);
}
