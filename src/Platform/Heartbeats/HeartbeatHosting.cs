using MassTransit;
using Orchestration.Platform.Observability;

namespace Orchestration.Platform.Heartbeats;

/// <summary>The endpoint's name and this instance's, as heartbeats and telemetry report them.</summary>
public sealed record EndpointIdentity(string Endpoint, string Instance);

public static class HeartbeatHosting
{
    /// <summary>
    /// A heartbeat every <c>Heartbeats:Interval</c> (10 s) with the endpoint's custom checks, the disk check among them,
    /// and what its consumers handled since the previous one, per message type. <c>Heartbeats:Enabled=false</c> sends none (the health checks stay).
    /// </summary>
    public static IServiceCollection AddOrchestrationHeartbeats(this IServiceCollection services, IConfiguration configuration,
        string endpointName)
    {
        services.AddOptions<HeartbeatOptions>().Bind(configuration.GetSection(HeartbeatOptions.Section));
        services.AddSingleton(new EndpointIdentity(endpointName, EndpointInstance.From(configuration)));
        services.AddHealthChecks().AddCheck<DiskSpaceHealthCheck>("disk");
        services.AddSingleton<MessageMetricsObserver>();
        services.AddConsumeObserver(sp => sp.GetRequiredService<MessageMetricsObserver>());
        services.AddSingleton<EndpointQueues>();
        services.AddReceiveEndpointObserver(sp => sp.GetRequiredService<EndpointQueues>());
        if (configuration.GetSection(HeartbeatOptions.Section).GetValue("Enabled", true))
            services.AddHostedService<HeartbeatSender>();
        return services;
    }
}
