using MQTTnet;
using MQTTnet.Protocol;
using Orchestration.Devices.Tests.Infrastructure;

namespace Orchestration.Devices.Tests;

public sealed class When_the_embedded_broker_hosts_the_devices(EmbeddedBrokerDevicesFixture fixture) : IClassFixture<EmbeddedBrokerDevicesFixture>
{
    InProcessEndpoint Host => fixture.Host;

    [Fact]
    public async Task Should_turn_a_leak_alarm_into_an_emergency_work_order_request()
    {
        var sensor = new TestDevice(DeviceKind.LeakSensor);
        (await Host.SendAsync(sensor.Register())).ShouldBeNull();

        using var client = await ConnectAsync(sensor.Username, sensor.Password);
        (await client.PublishAsync(Message(sensor.EventsTopic, sensor.Leak()))).ReasonCode.ShouldBe(MqttClientPublishReasonCode.Success);

        var request = (await Host.Published.WaitForAsync<RequestWorkOrder>(r => r.UnitId == sensor.UnitId)).Single();
        request.Alarm.ShouldBe("leak");
        request.Source.ShouldBe(WorkOrderSource.DeviceAlarm);
    }

    [Fact]
    public async Task Should_refuse_anonymous_clients_wrong_passwords_and_another_devices_topic()
    {
        var intruder = new TestDevice(DeviceKind.Thermostat);
        var victim = new TestDevice(DeviceKind.LeakSensor);
        (await Host.SendAsync(intruder.Register())).ShouldBeNull();
        (await Host.SendAsync(victim.Register())).ShouldBeNull();

        await Should.ThrowAsync<Exception>(() => ConnectAsync(null, null));
        await Should.ThrowAsync<Exception>(() => ConnectAsync(victim.Username, intruder.Password));
        using (var client = await ConnectAsync(intruder.Username, intruder.Password))
        {
            (await client.PublishAsync(Message(victim.EventsTopic, victim.Leak()))).ReasonCode.ShouldBe(MqttClientPublishReasonCode.NotAuthorized);
            var subscribed = await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(victim.CommandsTopic, MqttQualityOfServiceLevel.AtLeastOnce).Build());
            subscribed.Items.Single().ResultCode.ShouldBe(MqttClientSubscribeResultCode.NotAuthorized);
        }

        using var own = await ConnectAsync(victim.Username, victim.Password);
        (await own.PublishAsync(Message(victim.EventsTopic, victim.Telemetry(21)))).ReasonCode.ShouldBe(MqttClientPublishReasonCode.Success);
        await Eventually.HoldsAsync(async () => (await Host.DeviceAsync(victim.DeviceId))?.LastSequence == 2, TimeSpan.FromSeconds(10),
            "the victim's own message accepted");
        (await Host.AcceptedAsync(victim.DeviceId)).ShouldBe(1);
        Host.Published.All<RequestWorkOrder>(r => r.UnitId == victim.UnitId).ShouldBeEmpty();
    }

    async Task<IMqttClient> ConnectAsync(string? username, string? password)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", fixture.Port).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500);
        if (username is not null)
            options.WithCredentials(username, password);
        try
        {
            var result = await client.ConnectAsync(options.Build());
            return result.ResultCode == MqttClientConnectResultCode.Success ? client : throw new InvalidOperationException($"Refused: {result.ResultCode}");
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    static MqttApplicationMessage Message(string topic, string payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
}
