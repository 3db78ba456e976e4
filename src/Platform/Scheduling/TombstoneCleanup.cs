namespace Orchestration.Platform.Scheduling;

/// <summary>
/// Removes the tombstones of tokens sent or cancelled longer ago than <see cref="SchedulerOptions.CancellationMemory"/>,
/// so <c>scheduled_message</c> holds what is pending plus a bounded memory of what is done.
/// </summary>
public sealed class TombstoneCleanup(SchedulerStore store, IOptions<SchedulerOptions> options, TimeProvider time, ILogger<TombstoneCleanup> logger)
    : RetentionCleanup(time, logger, "scheduler tombstones", options.Value.CleanupInterval, options.Value.CancellationMemory,
        (cutoff, cancellationToken) => store.RemoveTombstonesAsync(cutoff.ToUnixTimeMilliseconds(), cancellationToken));
