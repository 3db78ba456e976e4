namespace Orchestration.Platform.Storage;

/// <summary>
/// A <see cref="PeriodicCleanup"/> of the rows older than a retention: every <paramref name="interval"/> it removes
/// what is older than now minus <paramref name="retention"/>, and logs how many <paramref name="rows"/> went.
/// </summary>
public abstract class RetentionCleanup(TimeProvider time, ILogger logger, string rows, TimeSpan interval, TimeSpan retention,
    Func<DateTimeOffset, CancellationToken, Task<int>> removeOlderThan) : PeriodicCleanup(time, logger)
{
    protected sealed override TimeSpan Interval => interval;

    public sealed override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var removed = await removeOlderThan(Time.GetUtcNow() - retention, cancellationToken);
        if (removed > 0)
            Logger.LogInformation("Removed {Count} {Rows} older than {Retention}", removed, rows, retention);
        return removed;
    }
}
