using Orchestration.Devices.Tests.Infrastructure;

namespace Orchestration.Devices.Tests;

[Collection(DevicesOnRabbitMq.Name)]
public sealed class When_a_device_publishes_where_it_may_not(RabbitMqDevicesFixture fixture)
{
    static int Port => RabbitMqDevicesFixture.MqttPort;

    InProcessEndpoint Host => fixture.Host;

    [Fact]
    public async Task Should_be_refused_by_rabbitmq_anonymous_with_a_wrong_password_or_on_another_devices_topic()
    {
        var intruder = new TestDevice(DeviceKind.Thermostat);
        var victim = new TestDevice(DeviceKind.LeakSensor);
        (await Host.SendAsync(intruder.Register())).ShouldBeNull();
        (await Host.SendAsync(victim.Register())).ShouldBeNull();

        (await Mosquitto.PublishAsync(Port, victim.EventsTopic, victim.Leak())).ShouldNotBe(0);
        (await Mosquitto.PublishAsync(Port, victim.EventsTopic, victim.Leak(), victim.Username, intruder.Password)).ShouldNotBe(0);
        (await Mosquitto.PublishAsync(Port, victim.EventsTopic, victim.Leak(), intruder.Username, intruder.Password)).ShouldNotBe(0);

        // Had any of those reached Devices, the victim's first message (sequence 4) would be its second, or no leak at all.
        (await Mosquitto.PublishAsync(Port, victim.EventsTopic, victim.Telemetry(21), victim.Username, victim.Password)).ShouldBe(0);
        await Eventually.HoldsAsync(async () => (await Host.DeviceAsync(victim.DeviceId))?.LastSequence == 4, TimeSpan.FromSeconds(10),
            "the victim's own message accepted");
        (await Host.AcceptedAsync(victim.DeviceId)).ShouldBe(1);
        Host.Published.All<RequestWorkOrder>(r => r.UnitId == victim.UnitId).ShouldBeEmpty();
    }
}
