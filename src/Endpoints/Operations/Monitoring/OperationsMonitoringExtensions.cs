using MassTransit;
using Orchestration.Endpoints.Operations.Alerts;
using Orchestration.Endpoints.Operations.Heartbeats;
using Orchestration.Messages.Operations;
using Orchestration.Platform.Hosting;

namespace Orchestration.Endpoints.Operations.Monitoring;

/// <summary>
/// Heartbeats, custom checks and alerts in Operations: <c>services.AddOperationsMonitoring(configuration)</c> and
/// <c>x.AddOperationsMonitoringConsumers()</c> inside <c>AddOrchestrationEndpoint</c>.
/// </summary>
public static class OperationsMonitoringExtensions
{
    /// <summary>The queue on which Operations watches its own failed messages for new failure groups.</summary>
    public const string NewFailureGroupQueue = "operations-alert-failure-groups";

    /// <summary>
    /// The heartbeat and mute consumers on the <c>operations-heartbeats</c> queue, the alert settings on
    /// <c>operations-alerts</c>, and the watch for new failure groups.
    /// </summary>
    public static IBusRegistrationConfigurator AddOperationsMonitoringConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<HeartbeatConsumer>().Endpoint(e => e.Name = MuteEndpointInstance.HeartbeatQueue);
        x.AddConsumer<MuteEndpointInstanceConsumer>().Endpoint(e => e.Name = MuteEndpointInstance.HeartbeatQueue);
        x.AddConsumer<AlertSettingsConsumer>().Endpoint(e => e.Name = AlertSettings.Queue);
        x.AddConsumer<NewFailureGroupConsumer>().Endpoint(e => e.Name = NewFailureGroupQueue);
        return x;
    }

    /// <summary>The stores and their tables, the lost-heartbeat monitor, queue-length sampling, and the alert rules, evaluation and webhook delivery.</summary>
    public static IServiceCollection AddOperationsMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HeartbeatMonitorOptions>().Bind(configuration.GetSection(HeartbeatMonitorOptions.Section));
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.Section));
        services.AddStore<EndpointInstanceStore>(HeartbeatMigrations.Instances, HeartbeatMigrations.InstanceQueues);
        services.AddStore<OperatorAlerts>(AlertMigrations.Alerts);
        services.AddStore<AlertRuleStore>(AlertRuleStore.Tables);
        services.AddHostedService<AlertEvaluator>();
        services.AddHttpClient(AlertWebhookDelivery.Client);
        services.AddHostedService<AlertWebhookDelivery>();
        services.AddOptions<MonitoringOptions>().Bind(configuration.GetSection(MonitoringOptions.Section));
        services.AddStore<MonitoringStore>(MonitoringStore.Samples, MonitoringStore.QueueLengths);
        services.AddHostedService<MonitoringCleanup>();
        var inMemory = (configuration.GetSection(BusOptions.Section).Get<BusOptions>() ?? new BusOptions()).Transport
            .Equals("InMemory", StringComparison.OrdinalIgnoreCase);
        if (inMemory)
        {
            services.AddSingleton<IQueueLengths, InMemoryQueueLengths>();
        }
        else
        {
            services.AddHttpClient<IQueueLengths, RabbitMqQueueLengths>((sp, client) =>
                client.BaseAddress = new Uri(sp.GetRequiredService<IOptions<MonitoringOptions>>().Value.ManagementUrl.TrimEnd('/') + "/"));
        }

        services.AddSingleton<QueueLengthSampler>();
        services.AddHostedService(sp => sp.GetRequiredService<QueueLengthSampler>());
        services.AddHostedService<HeartbeatMonitor>();
        return services;
    }
}
