using Dapper;
using Microsoft.Extensions.Hosting;
using Orchestration.Endpoints.Operations.Heartbeats;
using Orchestration.Endpoints.Operations.Monitoring;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Operations.Alerts;

/// <summary>
/// Every <see cref="AlertOptions.EvaluateEvery"/>, measures what the threshold rules watch, per endpoint: the latest sampled
/// queue length, the longest critical time and the messages moved to error within the rule's window (one minute when it
/// has none). A value above the rule's threshold opens the endpoint's incident, one at or below it closes it; the rule's
/// cool-down and the incident's state keep one incident to one alert. Alerts commit with their emails and webhook deliveries.
/// </summary>
public sealed class AlertEvaluator(IServiceScopeFactory scopes, IOptionsMonitor<AlertOptions> options, TimeProvider clock,
    ILogger<AlertEvaluator> logger) : BackgroundService
{
    static readonly TimeSpan DefaultWindow = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await EvaluateAsync(stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Could not evaluate the alert rules");
            }

            await Task.Delay(options.CurrentValue.EvaluateEvery, clock, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public async Task EvaluateAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        var outbox = scope.ServiceProvider.GetRequiredService<BusOutbox>();
        var alerts = scope.ServiceProvider.GetRequiredService<OperatorAlerts>();
        var monitoring = scope.ServiceProvider.GetRequiredService<MonitoringStore>();
        var instances = scope.ServiceProvider.GetRequiredService<EndpointInstanceStore>();
        var now = clock.GetUtcNow();

        await session.BeginAsync(cancellationToken);
        try
        {
            var rules = (await alerts.RulesAsync(session, cancellationToken))
                .Where(r => r.Enabled && r.Threshold is not null && r.Kind is "queue-length" or "critical-time" or "failures").ToList();
            if (rules.Count > 0)
            {
                var endpoints = (await instances.ListAsync(cancellationToken)).Select(i => i.Endpoint).Distinct(StringComparer.Ordinal).ToList();
                var queues = await monitoring.LatestQueueLengthsAsync(cancellationToken);
                foreach (var rule in rules)
                {
                    var window = rule.Window ?? DefaultWindow;
                    var measured = rule.Kind switch
                    {
                        "queue-length" => queues.ToDictionary(q => q.Key, q => (double)q.Value, StringComparer.Ordinal),
                        "critical-time" => await monitoring.CriticalTimeMaxAsync(session, now - window, cancellationToken),
                        _ => await monitoring.MovedToErrorAsync(session, now - window, cancellationToken),
                    };
                    foreach (var endpoint in endpoints.Where(rule.Watches))
                        await alerts.RaiseAsync(session, outbox.SendEndpointProvider, rule, Measure(rule, endpoint, measured.GetValueOrDefault(endpoint), window),
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

    static Alert Measure(AlertRule rule, string endpoint, double value, TimeSpan window)
    {
        var above = value > rule.Threshold!.Value;
        var (kind, what, unit) = rule.Kind switch
        {
            "queue-length" => ("queue-length", "Queue length", "messages"),
            "critical-time" => ("critical-time", "Critical time", "ms"),
            _ => ("failures", "Messages moved to error", "messages"),
        };
        var during = rule.Kind == "queue-length" ? "" : $" within {window.TotalMinutes:0.#} min";
        return new Alert(above ? $"{kind}-above" : $"{kind}-normal", $"{kind}/{endpoint}", above,
            above ? $"{what} above {rule.Threshold}: {endpoint}" : $"{what} back to normal: {endpoint}",
            $"{what} of {endpoint} is {value:0.#} {unit}{during}; the rule '{rule.Name}' alerts above {rule.Threshold} {unit}.", endpoint);
    }
}
