using MassTransit;
using MassTransit.Middleware;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Orchestration.Platform.Outbox;

namespace Orchestration.Platform.Hosting;

public static class OutboxHosting
{
    /// <summary>
    /// The SQL inbox/outbox from <c>Outbox</c>: the store, the delivery after commit, the bus outbox for messages sent
    /// outside a handler, the sweeper for what a crash left behind, the clean-up of old duplicate-detection records,
    /// and the health check that reports parked messages.
    /// </summary>
    public static IServiceCollection AddOrchestrationOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OutboxOptions>().Bind(configuration.GetSection(OutboxOptions.Section));
        services.AddSingleton<OutboxStore>();
        services.TryAddSingleton<BusStarted>();
        services.AddSingleton<SqlOutboxDelivery>();
        services.AddSingleton<InboxClaimPolicy>();
        services.AddScoped<BusOutbox>();
        services.AddScoped<IOutboxContextFactory<SqlSession>, SqlOutboxContextFactory>();

        services.AddHostedService<OutboxSweeper>();
        services.AddHostedService<DeliveredMarker>();
        services.AddHostedService<InboxCleanup>();
        services.AddHealthChecks()
            .AddCheck<ParkedDeliveriesHealthCheck>("parked-deliveries", HealthStatus.Degraded, tags: ["delivery"]);
        return services;
    }

    /// <summary>Puts the SQL inbox/outbox in front of every consumer and saga on the endpoint.</summary>
    public static void UseSqlOutbox(this IReceiveEndpointConfigurator endpoint, IRegistrationContext context)
    {
        var observer = new MassTransit.Configuration.OutboxConsumePipeSpecificationObserver<SqlSession>(endpoint, context)
        {
            // Everything a handler produced goes out in one pass, then the inbox row is marked delivered.
            MessageDeliveryLimit = 10_000,
            MessageDeliveryTimeout = context.GetRequiredService<IOptions<OutboxOptions>>().Value.DeliveryTimeout,
        };
        endpoint.ConnectConsumerConfigurationObserver(observer);
        endpoint.ConnectSagaConfigurationObserver(observer);
    }
}
