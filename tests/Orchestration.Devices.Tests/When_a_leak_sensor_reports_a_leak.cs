using Orchestration.Devices.Tests.Infrastructure;

namespace Orchestration.Devices.Tests;

[Collection(DevicesOnRabbitMq.Name)]
public sealed class When_a_leak_sensor_reports_a_leak(RabbitMqDevicesFixture fixture)
{
    InProcessEndpoint Host => fixture.Host;

    [Fact]
    public async Task Should_request_one_emergency_work_order_per_open_alarm_and_note_the_device_seen()
    {
        var sensor = new TestDevice(DeviceKind.LeakSensor);
        (await Host.SendAsync(sensor.Register())).ShouldBeNull();

        (await Mosquitto.PublishAsync(RabbitMqDevicesFixture.MqttPort, sensor.EventsTopic, sensor.Leak(), sensor.Username, sensor.Password)).ShouldBe(0);
        var request = (await Host.Published.WaitForAsync<RequestWorkOrder>(r => r.UnitId == sensor.UnitId)).Single();
        request.Source.ShouldBe(WorkOrderSource.DeviceAlarm);
        request.Alarm.ShouldBe("leak");
        request.PropertyId.ShouldBe(sensor.PropertyId);
        request.ServiceArea.ShouldBe("94110");

        // The sensor keeps reporting while the work order is open: no second one. Its battery report comes after, in order.
        (await Mosquitto.PublishAsync(RabbitMqDevicesFixture.MqttPort, sensor.EventsTopic, sensor.Leak(), sensor.Username, sensor.Password)).ShouldBe(0);
        (await Mosquitto.PublishAsync(RabbitMqDevicesFixture.MqttPort, sensor.EventsTopic, sensor.Battery(80), sensor.Username, sensor.Password)).ShouldBe(0);
        await Eventually.HoldsAsync(async () => (await Host.DeviceAsync(sensor.DeviceId))?.BatteryPercent == 80, TimeSpan.FromSeconds(10), "battery noted");
        Host.Published.All<RequestWorkOrder>(r => r.UnitId == sensor.UnitId).Count.ShouldBe(1);
        var device = (await Host.DeviceAsync(sensor.DeviceId)).ShouldNotBeNull();
        device.LastSeenAt.ShouldNotBeNull();
        device.LastSequence.ShouldBe(3);

        // Staff cancel it as a false alarm: the next leak opens a new one.
        await Host.Bus.Publish(new WorkOrderCancelled
        {
            WorkOrderId = request.WorkOrderId, PropertyId = sensor.PropertyId, Reason = "False alarm", CancelledBy = "staff", CancelledDuring = "AwaitingAcceptance",
            CancelledAt = DateTimeOffset.UtcNow,
        });
        await Eventually.HoldsAsync(async () =>
        {
            await Mosquitto.PublishAsync(RabbitMqDevicesFixture.MqttPort, sensor.EventsTopic, sensor.Leak(), sensor.Username, sensor.Password);
            return Host.Published.All<RequestWorkOrder>(r => r.UnitId == sensor.UnitId).Count >= 2;
        }, TimeSpan.FromSeconds(15), "a second work order after the first was cancelled");
    }

    [Fact]
    public async Task Should_request_a_routine_work_order_when_the_battery_runs_low()
    {
        var sensor = new TestDevice(DeviceKind.LeakSensor);
        (await Host.SendAsync(sensor.Register())).ShouldBeNull();

        (await Mosquitto.PublishAsync(RabbitMqDevicesFixture.MqttPort, sensor.EventsTopic, sensor.Battery(9), sensor.Username, sensor.Password)).ShouldBe(0);

        var request = (await Host.Published.WaitForAsync<RequestWorkOrder>(r => r.UnitId == sensor.UnitId)).Single();
        request.Alarm.ShouldBe("low-battery");
        request.Category.ShouldBe("general");
    }
}
