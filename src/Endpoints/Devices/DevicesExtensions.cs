using MassTransit;
using Microsoft.Extensions.Options;
using Orchestration.Endpoints.Devices.AccessCodes;
using Orchestration.Endpoints.Devices.Alarms;
using Orchestration.Endpoints.Devices.Locks;
using Orchestration.Endpoints.Devices.Mqtt;
using Orchestration.Endpoints.Devices.Registry;
using Orchestration.Endpoints.Devices.Thermostats;
using Orchestration.Messages.Devices;

namespace Orchestration.Endpoints.Devices;

/// <summary>
/// The Devices endpoint's wiring, for its own host (<see cref="AddDevicesEndpoint"/>) and for the standalone host alike:
/// <c>services.AddDevicesServices(configuration)</c> and <c>x.AddDevicesConsumers()</c> inside <c>AddOrchestrationEndpoint</c>.
/// </summary>
public static class DevicesExtensions
{
    /// <summary>The Devices endpoint in a host of its own: the platform, its consumers and its services.</summary>
    public static IServiceCollection AddDevicesEndpoint(this IServiceCollection services, IConfiguration configuration) =>
        services.AddOrchestrationEndpoint(configuration, "devices", x => x.AddDevicesConsumers())
            .AddDevicesServices(configuration);

    /// <summary>
    /// The consumers of access-code and registration commands on their <see cref="CommandRoutes"/> queue, and of the
    /// work orders' ends (which close a device's alarm) on a queue of their own.
    /// </summary>
    public static IBusRegistrationConfigurator AddDevicesConsumers(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<AccessCodeConsumer>().Endpoint(e => e.Name = CommandRoutes.DeviceCommands);
        x.AddConsumer<VisitAccessCodeConsumer>().Endpoint(e => e.Name = CommandRoutes.DeviceCommands);
        x.AddConsumer<RegisterDeviceConsumer>().Endpoint(e => e.Name = CommandRoutes.DeviceCommands);
        x.AddConsumer<WorkOrderClosedConsumer>().Endpoint(e => e.Name = "devices-work-orders");
        x.AddConsumer<LeaseTermConsumer>().Endpoint(e => e.Name = "devices-leases");
        return x;
    }

    /// <summary>
    /// The endpoint's tables and the device gateway: with <c>Devices:Mqtt:Host</c> set, the MQTT client that sends lock
    /// commands and ingests device payloads (on RabbitMQ: the ingest queue every instance consumes), the lock command retries, and with <c>Devices:Mqtt:EmbeddedBroker</c> the broker
    /// itself (standalone); without a host, access codes take effect without a lock, as before.
    /// </summary>
    public static IServiceCollection AddDevicesServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddValidatedOptions<DevicesMqttOptions>(configuration.GetSection(DevicesMqttOptions.Section));
        services.PostConfigure<DevicesMqttOptions>(o =>
        {
            // The standalone broker's own ingestion account needs no configuration: a password made at each start.
            if (o.EmbeddedBroker && string.IsNullOrEmpty(o.Password))
            {
                o.Username = string.IsNullOrEmpty(o.Username) ? "devices-ingestion" : o.Username;
                o.Password = DeviceCredential.NewPassword();
            }

            // On RabbitMQ the endpoint's AMQP account serves MQTT, the ingest queue and the management API too, unless others are configured.
            var rabbit = configuration.GetSection("Bus:RabbitMq");
            if (o.AmqpPort == 0)
                o.AmqpPort = int.TryParse(rabbit["Port"], System.Globalization.CultureInfo.InvariantCulture, out var port) ? port : 5672;
            if (string.IsNullOrEmpty(o.Username) && string.IsNullOrEmpty(o.Password))
                (o.Username, o.Password) = (rabbit["Username"] ?? "", rabbit["Password"] ?? "");
            if (string.IsNullOrEmpty(o.ManagementUsername) && string.IsNullOrEmpty(o.ManagementPassword))
                (o.ManagementUsername, o.ManagementPassword) = (o.Username, o.Password);
        });
        services.AddStore<DevicesStore>(DevicesMigrations.Tables, DevicesMigrations.Registry, DevicesMigrations.Retention,
            DevicesMigrations.QuarantineAnnounced, DevicesMigrations.LeaseTerms, DevicesMigrations.MessageSequences);
        services.AddValidatedOptions<DeviceRetentionOptions>(configuration.GetSection(DeviceRetentionOptions.Section));
        services.AddSingleton<DeviceEventRetention>().AddHostedService(provider => provider.GetRequiredService<DeviceEventRetention>());
        services.AddHostedService<QuarantineAnnouncer>();
        services.AddSingleton<LeaseTerms>();
        services.AddSingleton<DeviceRegistry>().AddSingleton<DeviceAlarms>().AddSingleton<LockCommands>().AddSingleton<PayloadMetrics>();
        services.AddHttpClient<BrokerAccounts>();
        services.AddScoped<DevicePayloadHandler>().AddScoped<LockCommandSender>();
        services.AddSingleton<MqttIngestion>();

        var mqtt = configuration.GetSection(DevicesMqttOptions.Section).Get<DevicesMqttOptions>() ?? new DevicesMqttOptions();
        if (mqtt.EmbeddedBroker)
            services.AddSingleton<EmbeddedBroker>().AddHostedService(provider => provider.GetRequiredService<EmbeddedBroker>());
        if (mqtt.Enabled)
        {
            services.AddHostedService(provider => provider.GetRequiredService<MqttIngestion>());
            if (mqtt.IngestsFromQueue)
                services.AddHostedService<RabbitMqIngestion>();
            services.AddHostedService<LockCommandRetries>();
            services.AddSingleton<VacancySweep>().AddHostedService(provider => provider.GetRequiredService<VacancySweep>());
        }

        return services;
    }
}
