using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestration.Platform.Heartbeats;
using Orchestration.Platform.Observability;

namespace Orchestration.Platform.Hosting;

public static class EndpointHosting
{
    /// <summary>
    /// Sets up an endpoint from configuration: its SQL storage and migrations, the inbox/outbox, the durable scheduler
    /// (hosted here when <c>Scheduler:Host</c> is true), and the bus on RabbitMQ or the in-memory transport with the
    /// recoverability policy, its telemetry and its heartbeats. <paramref name="configure"/> adds the endpoint's consumers and sagas.
    /// </summary>
    public static IServiceCollection AddOrchestrationEndpoint(this IServiceCollection services, IConfiguration configuration,
        string endpointName, Action<IBusRegistrationConfigurator> configure)
    {
        services.TryAddSingleton(TimeProvider.System);

        // In this order: hosted services start in registration order, and the migrations must have run before the
        // outbox and the scheduler touch their tables and before the bus consumes.
        return services
            .AddOrchestrationStorage(configuration, endpointName)
            .AddOrchestrationOutbox(configuration)
            .AddOrchestrationScheduler(configuration)
            .AddOrchestrationBus(configuration, configure)
            .AddOrchestrationObservability(configuration, endpointName)
            .AddOrchestrationHeartbeats(configuration, endpointName);
    }

    /// <summary>
    /// <c>/health/live</c> answers while the process runs; <c>/health/ready</c> when the bus and the database are usable;
    /// <c>/health/delivery</c> is Degraded (still 200) while stored messages are parked, with their counts as JSON. All three
    /// are open to anyone, also where a fallback authorization policy closes every other route, and so is <c>/metrics</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapOrchestrationHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") }).AllowAnonymous();
        endpoints.MapHealthChecks("/health/delivery", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains("delivery"),
            ResponseWriter = (context, report) => context.Response.WriteAsJsonAsync(new
            {
                status = report.Status.ToString(),
                checks = report.Entries.ToDictionary(e => e.Key,
                    e => new { status = e.Value.Status.ToString(), e.Value.Description, e.Value.Data }),
            }),
        }).AllowAnonymous();
        endpoints.MapOrchestrationMetrics();
        return endpoints;
    }
}
