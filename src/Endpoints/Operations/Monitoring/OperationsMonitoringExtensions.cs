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
    /// <summary>The heartbeat and mute consumers on the <c>operations-heartbeats</c> queue.</summary>
    public static IBusRegistrationConfigurator AddOperationsMonitoringConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<HeartbeatConsumer>().Endpoint(e => e.Name = MuteEndpointInstance.HeartbeatQueue);
        x.AddConsumer<MuteEndpointInstanceConsumer>().Endpoint(e => e.Name = MuteEndpointInstance.HeartbeatQueue);
        return x;
    }

    /// <summary>The stores and their tables, the lost-heartbeat monitor, and the alert channels from <c>Alerts</c>.</summary>
    public static IServiceCollection AddOperationsMonitoring(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<HeartbeatMonitorOptions>().Bind(configuration.GetSection(HeartbeatMonitorOptions.Section));
        services.AddOptions<AlertOptions>().Bind(configuration.GetSection(AlertOptions.Section));
        services.AddStore<EndpointInstanceStore>(HeartbeatMigrations.Instances, HeartbeatMigrations.InstanceQueues);
        services.AddStore<OperatorAlerts>(AlertMigrations.Alerts);
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
