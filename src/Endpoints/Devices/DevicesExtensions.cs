using MassTransit;
using Orchestration.Endpoints.Devices.AccessCodes;

namespace Orchestration.Endpoints.Devices;

/// <summary>
/// The Devices endpoint's wiring, for its own host (<see cref="AddDevicesEndpoint"/>) and for the standalone host alike:
/// <c>services.AddDevicesServices(configuration)</c> and <c>x.AddDevicesConsumers()</c> inside <c>AddOrchestrationEndpoint</c>.
/// </summary>
public static class DevicesExtensions
{
    /// <summary>The Devices endpoint in a host of its own: the platform, its consumer and its services.</summary>
    public static IServiceCollection AddDevicesEndpoint(this IServiceCollection services, IConfiguration configuration) =>
        services.AddOrchestrationEndpoint(configuration, "devices", x => x.AddDevicesConsumers())
            .AddDevicesServices(configuration);

    /// <summary>The consumer of the lease-signing saga's access-code commands, on their <see cref="CommandRoutes"/> queue.</summary>
    public static IBusRegistrationConfigurator AddDevicesConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<AccessCodeConsumer>().Endpoint(e => e.Name = CommandRoutes.DeviceCommands);
        return x;
    }

    /// <summary>The endpoint's tables. <paramref name="configuration"/> is for the lock integration to come.</summary>
    public static IServiceCollection AddDevicesServices(this IServiceCollection services, IConfiguration configuration) =>
        services.AddStore<DevicesStore>(DevicesMigrations.Tables);
}
