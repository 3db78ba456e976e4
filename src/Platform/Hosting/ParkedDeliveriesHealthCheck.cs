using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Scheduling;

namespace Orchestration.Platform.Hosting;

/// <summary>
/// Degraded while any stored message is parked: the endpoint still works, but something it committed will not reach
/// the broker until an operator looks at it (<see cref="OutboxStore.ListParkedAsync"/>, <see cref="SchedulerStore.ListParkedAsync"/>).
/// Not part of readiness: taking the endpoint out of service would park nothing less.
/// </summary>
sealed class ParkedDeliveriesHealthCheck(OutboxStore outbox, IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (busOutbox, inbox) = await outbox.CountParkedAsync(cancellationToken);
        var scheduler = services.GetService<SchedulerStore>() is { } store ? await store.CountParkedAsync(cancellationToken) : 0;
        var data = new Dictionary<string, object> { ["bus-outbox"] = busOutbox, ["inbox"] = inbox, ["scheduler"] = scheduler };
        var total = busOutbox + inbox + scheduler;
        return total == 0
            ? HealthCheckResult.Healthy("No parked messages", data)
            : HealthCheckResult.Degraded($"{total} parked: {busOutbox} bus-outbox, {inbox} inbox, {scheduler} scheduler", data: data);
    }
}
