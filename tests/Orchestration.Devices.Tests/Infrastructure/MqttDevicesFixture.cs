using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Endpoints.Devices.Mqtt;
using Orchestration.Endpoints.Maintenance;
using Orchestration.Endpoints.Maintenance.Vendors;
using Orchestration.Messages;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Devices.Tests.Infrastructure;

/// <summary>
/// The Devices endpoint with its MQTT side on, recording the work orders it requests (on the dispatch saga's queue)
/// and the events it publishes. Lock commands wait one second for an acknowledgement and are sent twice before they
/// are escalated, so the retry and the escalation show within seconds. <paramref name="withDispatch"/> hosts the Maintenance
/// endpoint's dispatch saga, vendor registry and vendor API beside it, so a device's alarm goes all the way to a vendor.
/// A <paramref name="database"/> given is shared (instances of one Devices) and left to its owner.
/// </summary>
public static class MqttDevicesSetup
{
    public static EndpointSetup For(string provider, IDictionary<string, string?> mqtt, bool withDispatch = false, TestDatabase? database = null)
    {
        var setup = new EndpointSetup
        {
            Name = "devices",
            Database = database ?? TestDatabase.Create(provider, "devices"),
            OwnsDatabase = database is null,
            Settings =
            {
                ["Recoverability:ImmediateRetries"] = "0", ["Recoverability:DelayedRetries"] = "",
                ["Devices:Mqtt:CommandAckTimeout"] = "00:00:01", ["Devices:Mqtt:CommandAttempts"] = "2",
            },
            Consumers = x =>
            {
                x.AddDevicesConsumers();
                x.AddConsumer<EventRecorder<RequestWorkOrder>>().Endpoint(e => e.Name = CommandRoutes.MaintenanceDispatch);
                if (withDispatch)
                    x.AddMaintenanceDispatchSaga().AddMaintenanceConsumers();
            },
            Services = builder =>
            {
                builder.Services.AddDevicesServices(builder.Configuration);
                if (withDispatch)
                    builder.Services.AddMaintenanceDispatch(builder.Configuration).AddMaintenanceServices(builder.Configuration);
            },
            Pipeline = app =>
            {
                if (withDispatch)
                    app.MapVendorApi();
            },
            Records = [typeof(AccessCodeIssued), typeof(VisitAccessCodeIssued), typeof(AccessCodeRevoked), typeof(LockCommandUnacknowledged),
                typeof(DeviceRegistered), typeof(WorkOrderOpened), typeof(WorkOrderProgressed), typeof(DevicePayloadsQuarantined)],
        };
        foreach (var (key, value) in mqtt)
            setup.Settings[$"Devices:Mqtt:{key}"] = value;
        return setup;
    }
}

/// <summary>
/// Devices on RabbitMQ's MQTT plugin as the distributed mode runs it: payloads from an ingest queue of the test's own
/// (every such queue receives every device's events, so each test queue is deleted at the end), commands over MQTT.
/// </summary>
public static class RabbitMqDevices
{
    public static int MqttPort => int.Parse(Environment.GetEnvironmentVariable("MQTT_PORT") ?? "1883", System.Globalization.CultureInfo.InvariantCulture);

    public static string NewIngestQueue() => $"devices-tests-ingest-{Guid.NewGuid():N}"[..33];

    public static Dictionary<string, string?> Settings(string ingestQueue) => new()
    {
        ["Host"] = "127.0.0.1", ["Port"] = MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Username"] = TestServers.RabbitUser, ["Password"] = TestServers.RabbitPassword, ["ClientId"] = "devices-tests",
        ["ManagementUrl"] = TestServers.RabbitManagement, ["IngestQueue"] = ingestQueue,
        ["AmqpPort"] = TestServers.RabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public static async Task DeleteIngestQueueAsync(string ingestQueue)
    {
        await using var connection = await TestServers.RabbitConnectionFactory("/").CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.QueueDeleteAsync(ingestQueue, ifUnused: false, ifEmpty: false);
    }
}

/// <summary>
/// Devices on RabbitMQ's MQTT plugin and PostgreSQL, with the dispatch saga beside it, one host for the whole collection, on an
/// ingest queue of its own.
/// </summary>
public sealed class RabbitMqDevicesFixture : IAsyncLifetime
{
    readonly string _ingestQueue = RabbitMqDevices.NewIngestQueue();
    InProcessEndpoint? _host;

    public InProcessEndpoint Host => _host ?? throw new InvalidOperationException("The Devices endpoint has not started.");

    public static int MqttPort => RabbitMqDevices.MqttPort;

    public async Task InitializeAsync() =>
        _host = await InProcessEndpoint.StartAsync(MqttDevicesSetup.For(TestDatabase.Postgres, RabbitMqDevices.Settings(_ingestQueue), withDispatch: true));

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        await RabbitMqDevices.DeleteIngestQueueAsync(_ingestQueue);
    }
}

[CollectionDefinition(Name)]
public sealed class DevicesOnRabbitMq : ICollectionFixture<RabbitMqDevicesFixture>
{
    public const string Name = "Devices on RabbitMQ";
}

/// <summary>Devices with its embedded broker on a free port and SQLite, as the standalone mode runs it.</summary>
public sealed class EmbeddedBrokerDevicesFixture() : HostFixture<InProcessEndpoint>(() =>
{
    var port = FreePort.Next();
    return InProcessEndpoint.StartAsync(MqttDevicesSetup.For(TestDatabase.Sqlite, new Dictionary<string, string?>
    {
        ["Host"] = "127.0.0.1", ["Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture), ["EmbeddedBroker"] = "true",
    }));
})
{
    public int Port => Host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<DevicesMqttOptions>>().Value.Port;
}
