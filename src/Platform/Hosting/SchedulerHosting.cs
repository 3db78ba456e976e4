using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestration.Platform.Scheduling;

namespace Orchestration.Platform.Hosting;

public static class SchedulerHosting
{
    /// <summary>
    /// The durable scheduler from <c>Scheduler</c>. Every endpoint sends its saga timeouts and delayed retries to the
    /// scheduler's queue; where <c>Scheduler:Host</c> is true this endpoint also runs the scheduler: its store, the
    /// dispatcher that sends what is due, its readiness check and the clean-up of its tombstones. Its consumers join the
    /// bus in <see cref="BusHosting.AddOrchestrationBus"/>.
    /// </summary>
    public static IServiceCollection AddOrchestrationScheduler(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SchedulerOptions>().Bind(configuration.GetSection(SchedulerOptions.Section));
        if (!Options(configuration).Host)
            return services;

        services.AddSingleton<SchedulerStore>();
        services.TryAddSingleton<BusStarted>();
        services.AddSingleton<ScheduledMessageDispatcher>();
        services.AddSingleton<SchedulerOutage>();
        services.AddHealthChecks().AddCheck<SchedulerOutage>("scheduler", tags: ["ready"]);
        services.AddHostedService(sp => sp.GetRequiredService<ScheduledMessageDispatcher>());
        services.AddHostedService<TombstoneCleanup>();
        return services;
    }

    // Read while the services are registered, before there is a provider to ask: what the bus needs to know up front.
    internal static SchedulerOptions Options(IConfiguration configuration) =>
        configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>() ?? new SchedulerOptions();

    /// <summary>Where the endpoint hosts the scheduler, its consumers of schedule and cancel requests on its queue.</summary>
    internal static void AddSchedulerConsumers(this IBusRegistrationConfigurator x, SchedulerOptions scheduler)
    {
        if (!scheduler.Host)
            return;

        x.AddConsumer<ScheduleMessageConsumer>().Endpoint(e => e.Name = scheduler.Queue);
        x.AddConsumer<CancelScheduledMessageConsumer>().Endpoint(e => e.Name = scheduler.Queue);
    }
}
