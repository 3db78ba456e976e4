using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orchestration.Platform.Hosting;
using Orchestration.Platform.Observability;

namespace Orchestration.Platform.Heartbeats;

/// <summary>The endpoint's name and this instance's, as heartbeats and telemetry report them.</summary>
public sealed record EndpointIdentity(string Endpoint, string Instance);

public static class HeartbeatHosting
{
    /// <summary>
    /// A heartbeat every <c>Heartbeats:Interval</c> (10 s) with the endpoint's custom checks (storage, the bus, parked
    /// outbox and scheduler rows, disk, and each provider named under <c>Heartbeats:Providers</c> reachable), the queues it
    /// consumes from, and what its consumers handled since the previous one, per message type. <c>Heartbeats:Enabled=false</c> sends none (the health checks stay).
    /// </summary>
    public static IServiceCollection AddOrchestrationHeartbeats(this IServiceCollection services, IConfiguration configuration,
        string endpointName)
    {
        services.AddOptions<HeartbeatOptions>().Bind(configuration.GetSection(HeartbeatOptions.Section));
        services.AddSingleton(new EndpointIdentity(endpointName, EndpointInstance.From(configuration)));
        var checks = services.AddHealthChecks().AddCheck<DiskSpaceHealthCheck>("disk");
        var heartbeats = configuration.GetSection(HeartbeatOptions.Section).Get<HeartbeatOptions>() ?? new HeartbeatOptions();
        services.AddHttpClient(ProviderReachabilityHealthCheck.Client);
        foreach (var (provider, url) in heartbeats.Providers)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
                throw new InvalidOperationException($"Heartbeats:Providers:{provider} must be an absolute http(s) URL, not '{url}'.");
            checks.Add(new HealthCheckRegistration($"provider:{provider}",
                sp => new ProviderReachabilityHealthCheck(provider, address, sp.GetRequiredService<IHttpClientFactory>(), heartbeats.ProviderTimeout),
                HealthStatus.Unhealthy, ["providers"]));
        }

        services.AddSingleton<MessageMetricsObserver>();
        services.AddConsumeObserver(sp => sp.GetRequiredService<MessageMetricsObserver>());
        services.AddSingleton<EndpointQueues>();
        services.AddReceiveEndpointObserver(sp => sp.GetRequiredService<EndpointQueues>());
        if (configuration.GetSection(HeartbeatOptions.Section).GetValue("Enabled", true))
        {
            services.TryAddSingleton<BusStarted>();
            services.AddHostedService<HeartbeatSender>();
        }
        return services;
    }
}
