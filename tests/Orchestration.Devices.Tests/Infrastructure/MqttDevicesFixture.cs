using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
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
/// </summary>
public static class MqttDevicesSetup
{
    public static EndpointSetup For(string provider, IDictionary<string, string?> mqtt, bool withDispatch = false)
    {
        var setup = new EndpointSetup
        {
            Name = "devices",
            Database = TestDatabase.Create(provider, "devices"),
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
/// Devices on RabbitMQ's MQTT plugin and PostgreSQL, with the dispatch saga beside it, one host for the whole collection: every such host subscribes to
/// every device's events, so two at once would each see the other's payloads. Its persistent session is dropped at the end.
/// </summary>
public sealed class RabbitMqDevicesFixture : IAsyncLifetime
{
    const string ClientId = "devices-tests-ingestion";

    InProcessEndpoint? _host;

    public InProcessEndpoint Host => _host ?? throw new InvalidOperationException("The Devices endpoint has not started.");

    public static int MqttPort => int.Parse(Environment.GetEnvironmentVariable("MQTT_PORT") ?? "1883", System.Globalization.CultureInfo.InvariantCulture);

    public async Task InitializeAsync() => _host = await InProcessEndpoint.StartAsync(MqttDevicesSetup.For(TestDatabase.Postgres, new Dictionary<string, string?>
    {
        ["Host"] = "127.0.0.1", ["Port"] = MqttPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Username"] = TestServers.RabbitUser, ["Password"] = TestServers.RabbitPassword, ["ClientId"] = ClientId,
        ["ManagementUrl"] = TestServers.RabbitManagement,
    }, withDispatch: true));

    public async Task DisposeAsync()
    {
        if (_host is not null)
            await _host.DisposeAsync();
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", MqttPort).WithClientId(ClientId)
            .WithCredentials(TestServers.RabbitUser, TestServers.RabbitPassword).WithCleanSession()
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311).Build());
        await client.DisconnectAsync();
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
