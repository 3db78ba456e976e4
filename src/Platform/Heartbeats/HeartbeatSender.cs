using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Hosting;
using Orchestration.Platform.Observability;

namespace Orchestration.Platform.Heartbeats;

/// <summary>
/// Publishes <see cref="EndpointHeartbeat"/> every interval with the endpoint's custom checks: every health check it
/// registers (storage, parked deliveries, the bus, disk, and whatever providers the endpoint checks). Straight to the
/// bus, not through the outbox: a heartbeat that cannot reach the broker is exactly the news Operations must notice.
/// The first one waits until the bus has started and reads healthy (for at most one interval): checked while the
/// endpoint was still starting, the bus's own check failed, and every start of every endpoint raised a "check failed"
/// alert and its "passes again" a few seconds later.
/// </summary>
sealed class HeartbeatSender(IBus bus, IBusControl busControl, BusStarted busStarted, HealthCheckService health, PlatformGauges gauges,
    MessageMetricsObserver metrics, EndpointQueues queues, TimeProvider clock, IOptions<HeartbeatOptions> options, EndpointIdentity identity,
    ILogger<HeartbeatSender> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        try
        {
            await busStarted.WaitAsync(stoppingToken);
            await busControl.WaitForHealthStatus(BusHealthStatus.Healthy, interval);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var heartbeat = await BeatAsync(stoppingToken);
                await bus.Publish(heartbeat, context => context.TimeToLive = interval * 4, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Could not publish the heartbeat");
            }

            await Task.Delay(interval, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    async Task<EndpointHeartbeat> BeatAsync(CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var snapshot = gauges.Current;
        return new EndpointHeartbeat
        {
            Endpoint = identity.Endpoint,
            Instance = identity.Instance,
            Host = Environment.MachineName,
            SentAt = clock.GetUtcNow(),
            Interval = options.Value.Interval,
            Autoscaled = options.Value.Autoscaled,
            Checks = report.Entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => new CustomCheckResult
            {
                Name = e.Key,
                Status = e.Value.Status == HealthStatus.Healthy ? CheckStatus.Pass : CheckStatus.Fail,
                Detail = e.Value.Description ?? e.Value.Exception?.Message,
            }).ToList(),
            OutboxBacklog = snapshot.OutboxBacklog,
            Parked = snapshot.Parked,
            ScheduledLate = snapshot.ScheduledLate,
            Metrics = metrics.Drain(),
            // The bus's own queue answers requests and belongs to no endpoint.
            Queues = [.. queues.Names.Where(name => name != bus.Address.Segments[^1])],
        };
    }
}
