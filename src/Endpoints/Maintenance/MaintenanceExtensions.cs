using MassTransit;
using Orchestration.Endpoints.Maintenance.Vendors;
using Orchestration.Platform.Http;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Recoverability;
using Orchestration.Platform.Sagas;
using Orchestration.Sagas.Maintenance;

namespace Orchestration.Endpoints.Maintenance;

/// <summary>
/// The Maintenance endpoint's wiring, for its own host (<see cref="AddMaintenanceEndpoint"/>) and for the standalone host
/// alike: <c>services.AddMaintenanceDispatch(configuration)</c> and <c>services.AddMaintenanceServices(configuration)</c>,
/// and <c>x.AddMaintenanceDispatchSaga()</c> and <c>x.AddMaintenanceConsumers()</c> inside <c>AddOrchestrationEndpoint</c>.
/// </summary>
public static class MaintenanceExtensions
{
    public const string Section = "Maintenance";

    /// <summary>The Maintenance endpoint in a host of its own; its Program.cs maps the vendor API (<see cref="VendorApi.MapVendorApi"/>).</summary>
    public static IServiceCollection AddMaintenanceEndpoint(this IServiceCollection services, IConfiguration configuration) =>
        services.AddMaintenanceDispatch(configuration)
            .AddOrchestrationEndpoint(configuration, "maintenance", x =>
            {
                x.AddMaintenanceDispatchSaga();
                x.AddMaintenanceConsumers();
            })
            .AddMaintenanceServices(configuration);

    /// <summary>
    /// What the dispatch saga needs outside the bus: its options (deadlines, vendors per work order, spending limit; the
    /// <c>Maintenance</c> section) and the command routes. Goes with <see cref="AddMaintenanceDispatchSaga"/>.
    /// </summary>
    public static IServiceCollection AddMaintenanceDispatch(this IServiceCollection services, IConfiguration configuration)
    {
        CommandRouting.Map(CommandRoutes.Queues);
        services.AddSingleton(configuration.GetSection(Section).Get<MaintenanceDispatchOptions>() ?? new MaintenanceDispatchOptions());
        return services;
    }

    /// <summary>The dispatch saga on the queue its definition pins, with its state in SQL.</summary>
    public static IBusRegistrationConfigurator AddMaintenanceDispatchSaga(this IBusRegistrationConfigurator x)
    {
        x.AddSagaStateMachine<MaintenanceDispatchStateMachine, MaintenanceDispatchState, MaintenanceDispatchDefinition>().SqlRepository();
        return x;
    }

    /// <summary>The consumers of the vendor registry, of the offers and of the vendor webhooks, on their <see cref="CommandRoutes"/> queues.</summary>
    public static IBusRegistrationConfigurator AddMaintenanceConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<ChooseVendorConsumer>().Endpoint(e => e.Name = CommandRoutes.VendorChoice);
        x.AddConsumer<VendorDispatchConsumer>().Endpoint(e => e.Name = CommandRoutes.VendorDispatch);
        x.AddConsumer<DeliverVendorWebhookConsumer>().Endpoint(e => e.Name = CommandRoutes.VendorWebhooks);
        x.AddConsumer<VendorRegistryConsumer>().Endpoint(e => e.Name = CommandRoutes.VendorRegistry);
        return x;
    }

    /// <summary>
    /// The endpoint's tables, the vendor registry, the vendor webhook client and the failures no retry can fix. The
    /// client's resilience handler may post a webhook twice; the vendor drops the repeat by its event id.
    /// </summary>
    public static IServiceCollection AddMaintenanceServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<MaintenanceOptions>(configuration.GetSection(Section));
        services.AddStore<VendorRegistry>(MaintenanceMigrations.Tables, MaintenanceMigrations.ComplianceRequests);
        services.AddStore<VendorOffers>(MaintenanceMigrations.Offers);
        services.AddScoped<VendorApi.Actions>();
        services.AddProblemDetails();
        services.AddStorageUnavailableProblems();
        services.AddHttpClient<VendorWebhookClient>().AddProviderResilience(configuration.GetSection("Maintenance:Dispatch:Resilience"));
        // No transaction, and so no lock, is held while a vendor answers.
        services.CallsThirdParties<DeliverVendorWebhookConsumer>();
        services.AddUnrecoverable<VendorRejectedWebhookException>()
            .AddUnrecoverable<VendorNotRegisteredException>()
            .AddUnrecoverable<VendorCommandRejectedException>();
        return services;
    }
}
