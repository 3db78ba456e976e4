using Orchestration.Devices.Tests.Infrastructure;

namespace Orchestration.Devices.Tests;

/// <summary>
/// Instances of Devices handle one device's messages side by side, so a message can be committed after a newer one: it
/// is accepted once, while a sequence already taken, or one far behind the device's newest, is still a replay.
/// </summary>
[Collection(DevicesOnRabbitMq.Name)]
public sealed class When_a_device_message_arrives_late(RabbitMqDevicesFixture fixture)
{
    InProcessEndpoint Host => fixture.Host;

    [Fact]
    public async Task Should_accept_it_once_within_the_sequence_window_and_quarantine_a_replay()
    {
        var thermostat = new TestDevice(DeviceKind.Thermostat);
        (await Host.SendAsync(thermostat.Register())).ShouldBeNull();

        await PublishAsync(thermostat, TestDevice.Raw("newer", 3));
        await PublishAsync(thermostat, TestDevice.Raw("late", 2));
        await PublishAsync(thermostat, TestDevice.Raw("late-again", 2));
        await PublishAsync(thermostat, TestDevice.Raw("late", 2));
        await PublishAsync(thermostat, TestDevice.Raw("far-ahead", 2000));
        await PublishAsync(thermostat, TestDevice.Raw("far-behind", 5));

        await Eventually.HoldsAsync(async () => await Host.QuarantinedCountAsync(thermostat.DeviceId.ToString()) == 2, TimeSpan.FromSeconds(10),
            "two replays quarantined");
        (await Host.AcceptedAsync(thermostat.DeviceId)).ShouldBe(3);
        (await Host.DeviceAsync(thermostat.DeviceId)).ShouldNotBeNull().LastSequence.ShouldBe(2000);
        (await Host.QuarantinedAsync(thermostat.DeviceId.ToString())).Select(q => q.Reason).Order().ShouldBe(
            ["replayed sequence 2 (taken by another message)", "replayed sequence 5 (the device is at 2000)"]);
    }

    static async Task PublishAsync(TestDevice device, string payload) =>
        (await Mosquitto.PublishAsync(RabbitMqDevicesFixture.MqttPort, device.EventsTopic, payload, device.Username, device.Password)).ShouldBe(0);
}
