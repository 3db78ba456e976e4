using Microsoft.Extensions.Hosting;
using Orchestration.Endpoints.Operations.Alerts;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Operations.Heartbeats;

/// <summary>
/// Declares instances lost when their heartbeats stop for <see cref="HeartbeatMonitorOptions.LostAfter"/>, and alerts: a
/// fixed fleet's instance by itself, an autoscaled endpoint when its last live instance is gone. Muted instances are
/// declared lost without an alert. Declaring, recording the alert and sending its email commit together.
/// </summary>
public sealed class HeartbeatMonitor(IServiceScopeFactory scopes, IOptions<HeartbeatMonitorOptions> options, TimeProvider clock,
    ILogger<HeartbeatMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await CheckAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Could not look for lost heartbeats");
            }

            await Task.Delay(options.Value.CheckEvery, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task CheckAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        var outbox = scope.ServiceProvider.GetRequiredService<BusOutbox>();
        var instances = scope.ServiceProvider.GetRequiredService<EndpointInstanceStore>();
        var alerts = scope.ServiceProvider.GetRequiredService<OperatorAlerts>();
        var now = clock.GetUtcNow();

        await session.BeginAsync(cancellationToken);
        try
        {
            var lost = await instances.MarkLostAsync(session, (now - options.Value.LostAfter).ToUnixTimeMilliseconds(), now.ToUnixTimeMilliseconds(),
                cancellationToken);
            foreach (var instance in lost)
                await outbox.Publish(instance.Report(now), cancellationToken);
            foreach (var instance in lost.Where(i => !i.IsMuted(now.ToUnixTimeMilliseconds())))
            {
                var name = $"{instance.Endpoint}/{instance.Instance}";
                var silence = now - DateTimeOffset.FromUnixTimeMilliseconds(instance.LastHeartbeat);
                if (!instance.Autoscaled)
                {
                    await alerts.RaiseAsync(session, outbox.SendEndpointProvider, new Alert("heartbeat-lost",
                        HeartbeatIncidents.Instance(instance.Endpoint, instance.Instance), Opens: true, $"Heartbeat lost: {name}",
                        $"{name} on {instance.Host} sent no heartbeat for {silence.TotalSeconds:0} s.", instance.Endpoint), cancellationToken);
                }
                else if (await instances.CountAliveAsync(session, instance.Endpoint, cancellationToken) == 0)
                {
                    await alerts.RaiseAsync(session, outbox.SendEndpointProvider, new Alert("heartbeat-lost",
                        HeartbeatIncidents.Endpoint(instance.Endpoint), Opens: true, $"Heartbeat lost: {instance.Endpoint}",
                        $"{instance.Endpoint} has no live instance; the last, {name}, went silent {silence.TotalSeconds:0} s ago.", instance.Endpoint),
                        cancellationToken);
                }
            }

            await session.CommitAsync(cancellationToken);
        }
        catch
        {
            await session.RollbackAsync();
            throw;
        }
    }
}
