using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestration.Platform.Storage;

namespace Orchestration.Platform.Scheduling;

/// <summary>
/// Removes the tombstones of tokens sent or cancelled longer ago than <see cref="SchedulerOptions.CancellationMemory"/>,
/// so <c>scheduled_message</c> holds what is pending plus a bounded memory of what is done.
/// </summary>
public sealed class TombstoneCleanup(SchedulerStore store, IOptions<SchedulerOptions> options, TimeProvider time, ILogger<TombstoneCleanup> logger)
    : PeriodicCleanup(time, logger)
{
    protected override TimeSpan Interval => options.Value.CleanupInterval;

    public override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var cutoff = (Time.GetUtcNow() - options.Value.CancellationMemory).ToUnixTimeMilliseconds();
        var removed = await store.RemoveTombstonesAsync(cutoff, cancellationToken);
        if (removed > 0)
            Logger.LogInformation("Removed {Count} scheduler tombstones older than {Memory}", removed, options.Value.CancellationMemory);
        return removed;
    }
}
