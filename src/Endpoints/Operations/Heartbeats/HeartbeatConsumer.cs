using MassTransit;
using Orchestration.Endpoints.Operations.Alerts;
using Orchestration.Endpoints.Operations.Monitoring;
using Orchestration.Messages.Operations;

namespace Orchestration.Endpoints.Operations.Heartbeats;

/// <summary>
/// Records an instance's heartbeat and its monitoring samples; an instance that was lost is restored by it, and a custom check that changed
/// between two heartbeats raises its alert. A repeated or late heartbeat records nothing and raises nothing.
/// </summary>
public sealed class HeartbeatConsumer(SqlSession session, EndpointInstanceStore instances, MonitoringStore monitoring, OperatorAlerts alerts,
    TimeProvider clock)
    : IConsumer<EndpointHeartbeat>
{
    public async Task Consume(ConsumeContext<EndpointHeartbeat> context)
    {
        var heartbeat = context.Message;
        var ct = context.CancellationToken;
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var before = await instances.FindAsync(session, heartbeat.Endpoint, heartbeat.Instance, ct);
        var aliveBefore = heartbeat.Autoscaled ? await instances.CountAliveAsync(session, heartbeat.Endpoint, ct) : 0;
        if (await instances.RecordAsync(session, heartbeat, now, ct) == 0)
            return;
        await monitoring.RecordAsync(session, heartbeat, ct);
        if (heartbeat.Metrics.Count > 0)
        {
            await context.Publish(new EndpointMetricsSampled
            {
                Endpoint = heartbeat.Endpoint, Instance = heartbeat.Instance, PeriodEnd = heartbeat.SentAt, Period = heartbeat.Interval,
                Metrics = heartbeat.Metrics,
            }, ct);
        }

        if (await instances.FindAsync(session, heartbeat.Endpoint, heartbeat.Instance, ct) is { } after)
            await context.Publish(after.Report(clock.GetUtcNow()), ct);
        if (before?.IsMuted(now) == true)
            return;

        var name = $"{heartbeat.Endpoint}/{heartbeat.Instance}";
        if (!heartbeat.Autoscaled && before?.LostAt is not null)
        {
            await alerts.RaiseAsync(session, context, new Alert("heartbeat-restored", HeartbeatIncidents.Instance(heartbeat.Endpoint, heartbeat.Instance),
                Opens: false, $"Heartbeat restored: {name}", $"{name} on {heartbeat.Host} is sending heartbeats again.", heartbeat.Endpoint), ct);
        }
        else if (heartbeat.Autoscaled && aliveBefore == 0 && before is not null)
        {
            await alerts.RaiseAsync(session, context, new Alert("heartbeat-restored", HeartbeatIncidents.Endpoint(heartbeat.Endpoint),
                Opens: false, $"Heartbeat restored: {heartbeat.Endpoint}", $"{heartbeat.Endpoint} has a live instance again ({name}).", heartbeat.Endpoint), ct);
        }

        var failedBefore = before?.CheckResults.Where(c => c.Status == CheckStatus.Fail).Select(c => c.Name).ToHashSet() ?? [];
        foreach (var check in heartbeat.Checks)
        {
            var failing = check.Status == CheckStatus.Fail;
            if (failing == failedBefore.Contains(check.Name))
                continue;

            var incident = $"check/{heartbeat.Endpoint}/{heartbeat.Instance}/{check.Name}";
            await alerts.RaiseAsync(session, context, failing
                ? new Alert("check-failed", incident, Opens: true, $"Check failed: {check.Name} on {name}", check.Detail ?? "(no detail)", heartbeat.Endpoint)
                : new Alert("check-passed", incident, Opens: false, $"Check passes again: {check.Name} on {name}", check.Detail ?? "(no detail)",
                    heartbeat.Endpoint), ct);
        }
    }
}

/// <summary>The incident a lost heartbeat opens: per instance for fixed fleets, per endpoint for autoscaled ones.</summary>
public static class HeartbeatIncidents
{
    public static string Instance(string endpoint, string instance) => $"heartbeat/{endpoint}/{instance}";

    public static string Endpoint(string endpoint) => $"heartbeat/{endpoint}";
}
