using System.Globalization;
using MQTTnet;
using MQTTnet.Protocol;
using Orchestration.Endpoints.Maintenance;

namespace Orchestration.Devices.Tests;

/// <summary>
/// Devices with its embedded broker and the Maintenance endpoint's dispatch saga in one process on one SQLite file, as the
/// standalone mode hosts them: a leak sensor's MQTT alarm opens an emergency work order.
/// </summary>
public sealed class When_a_leak_reaches_the_dispatch_saga_standalone(When_a_leak_reaches_the_dispatch_saga_standalone.StandaloneDevices fixture)
    : IClassFixture<When_a_leak_reaches_the_dispatch_saga_standalone.StandaloneDevices>
{
    static readonly int Port = FreePort.Next();

    InProcessEndpoint Host => fixture.Host;

    public sealed class StandaloneDevices() : HostFixture<InProcessEndpoint>(() => InProcessEndpoint.StartAsync(new EndpointSetup
    {
        Name = "standalone",
        Database = TestDatabase.OnSqlite("standalone-devices"),
        Settings =
        {
            ["Devices:Mqtt:Host"] = "127.0.0.1", ["Devices:Mqtt:Port"] = Port.ToString(CultureInfo.InvariantCulture), ["Devices:Mqtt:EmbeddedBroker"] = "true",
            ["Maintenance:Dispatch:Resilience:MaxAttempts"] = "1",
        },
        Consumers = x =>
        {
            x.AddDevicesConsumers();
            x.AddMaintenanceDispatchSaga();
            x.AddMaintenanceConsumers();
        },
        Services = builder =>
        {
            builder.Services.AddDevicesServices(builder.Configuration);
            builder.Services.AddMaintenanceDispatch(builder.Configuration).AddMaintenanceServices(builder.Configuration);
        },
        Records = [typeof(WorkOrderOpened)],
    }));

    [Fact]
    public async Task Should_open_an_emergency_work_order_for_the_unit()
    {
        var sensor = new Infrastructure.TestDevice(DeviceKind.LeakSensor);
        (await Host.SendAsync(sensor.Register())).ShouldBeNull();

        using var client = new MqttClientFactory().CreateMqttClient();
        (await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", Port).WithCredentials(sensor.Username, sensor.Password).Build()))
            .ResultCode.ShouldBe(MqttClientConnectResultCode.Success);
        await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(sensor.EventsTopic).WithPayload(sensor.Leak())
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());

        var opened = (await Host.Published.WaitForAsync<WorkOrderOpened>(o => o.UnitId == sensor.UnitId)).Single();
        opened.Priority.ShouldBe(WorkOrderPriority.Emergency);
        opened.Source.ShouldBe(WorkOrderSource.DeviceAlarm);
        opened.PropertyId.ShouldBe(sensor.PropertyId);
    }
}
