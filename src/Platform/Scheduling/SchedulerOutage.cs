using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Orchestration.Platform.Scheduling;

/// <summary>
/// Holds schedule and cancel requests while the scheduler's database is away, for as long as it takes. A request in
/// hand may be the only copy of a message (a delayed retry's original was acknowledged when it was scheduled), so it
/// must never reach the scheduler's error queue because the database was down; it stays unacknowledged on the
/// scheduler queue and is stored once the database answers. The wait shows on <c>/health/ready</c> as Degraded:
/// a database that cannot be reached already fails the storage check, and a busy SQLite file that keeps a request
/// waiting for a while is worth seeing but no reason to take the endpoint's HTTP out of service.
/// </summary>
public sealed class SchedulerOutage(IOptions<SchedulerOptions> options, TimeProvider time, ILogger<SchedulerOutage> logger) : IHealthCheck
{
    readonly Lock _lock = new();
    int _held;
    DateTimeOffset? _since;

    /// <summary>Runs <paramref name="store"/> in a transaction of <paramref name="session"/> until the database takes it.</summary>
    public async Task StoreAsync(SqlSession session, Func<Task> store, CancellationToken cancellationToken)
    {
        var failures = 0;
        try
        {
            while (true)
            {
                try
                {
                    await session.BeginAsync(cancellationToken);
                    await store();
                    await session.CommitAsync(cancellationToken);
                    return;
                }
                catch (Exception exception) when (session.Storage.Dialect.IsTransient(exception) && !cancellationToken.IsCancellationRequested)
                {
                    await session.RollbackAsync();
                    if (failures++ == 0)
                        Hold();
                    var delay = Backoff(failures);
                    if (failures == 1 || failures % 20 == 0)
                        logger.LogWarning(exception, "The scheduler's database is unavailable ({Failures} attempts); the request is kept and retried in {Delay}",
                            failures, delay);
                    await Task.Delay(delay, time, cancellationToken);
                }
            }
        }
        finally
        {
            if (failures > 0)
                Release();
        }
    }

    TimeSpan Backoff(int failures)
    {
        var cap = options.Value.DatabaseRetryMaxDelay;
        var exponential = TimeSpan.FromMilliseconds(100 * Math.Pow(2, Math.Min(failures, 20)));
        var delay = exponential < cap ? exponential : cap;
        return delay * (0.75 + Random.Shared.NextDouble() * 0.5);
    }

    void Hold()
    {
        lock (_lock)
        {
            if (_held++ == 0)
                _since = time.GetUtcNow();
        }
    }

    void Release()
    {
        lock (_lock)
        {
            if (--_held == 0)
                _since = null;
        }
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return Task.FromResult(_since is { } since
                ? HealthCheckResult.Degraded($"The scheduler holds {_held} requests, waiting for its database since {since:O}")
                : HealthCheckResult.Healthy("The scheduler stores requests as they arrive"));
        }
    }
}
