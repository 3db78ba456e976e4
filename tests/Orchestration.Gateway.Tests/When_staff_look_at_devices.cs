using Orchestration.Messages.Devices;

namespace Orchestration.Gateway.Tests;

public sealed class When_staff_look_at_devices(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    async Task ProjectedAsync<T>(T message, string what)
        where T : class
    {
        var id = NewId.NextGuid();
        await Gateway.PublishAsync(message, id);
        await Gateway.ConsumedAsync(id, what);
    }

    static QuarantinedPayloadNotice Quarantined(string reasonKind, string reason) => new()
    {
        QuarantineId = Guid.NewGuid(), ReceivedAt = DateTimeOffset.UtcNow, Topic = $"devices/p/u/{Guid.NewGuid()}/events", ReasonKind = reasonKind,
        Reason = reason, PayloadBytes = 12,
    };

    [Fact]
    public async Task Should_list_devices_with_last_seen_and_battery_whatever_order_their_events_came_in()
    {
        var propertyId = Guid.NewGuid();
        var unitId = Guid.NewGuid();
        var deviceId = Guid.NewGuid();
        var seenAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        var coordinator = await Gateway.SignInAsNewStaffAsync(GatewayRoles.MaintenanceCoordinator);

        await ProjectedAsync(new DeviceSeen { DeviceId = deviceId, SeenAt = seenAt, BatteryPercent = 64 }, "a sighting before the registration");
        (await coordinator.GetAsync($"/api/devices/{deviceId}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        await ProjectedAsync(new DeviceRegistered
        {
            DeviceId = deviceId, Kind = DeviceKind.LeakSensor, PropertyId = propertyId, UnitId = unitId, RegisteredAt = seenAt.AddDays(-1),
        }, "the registration");
        await ProjectedAsync(new DeviceSeen { DeviceId = deviceId, SeenAt = seenAt.AddMinutes(-10), BatteryPercent = 90 }, "an older sighting, late");
        await ProjectedAsync(new DeviceRegistered
        {
            DeviceId = Guid.NewGuid(), Kind = DeviceKind.Lock, PropertyId = propertyId, UnitId = unitId, RegisteredAt = seenAt,
        }, "the unit's lock");

        var device = await coordinator.GetJsonAsync($"/api/devices/{deviceId}");
        device.GetProperty("kind").GetString().ShouldBe("leak-sensor");
        device.GetProperty("unitId").GetGuid().ShouldBe(unitId);
        device.GetProperty("batteryPercent").GetInt32().ShouldBe(64);
        device.GetProperty("lastSeenAt").GetDateTimeOffset().ShouldBe(seenAt, TimeSpan.FromMilliseconds(1));
        var all = await coordinator.GetJsonAsync($"/api/devices?propertyId={propertyId}");
        all.GetProperty("total").GetInt64().ShouldBe(2);
        var sensors = await coordinator.GetJsonAsync($"/api/devices?propertyId={propertyId}&kind=leak-sensor");
        sensors.GetProperty("items").EnumerateArray().ShouldHaveSingleItem().GetProperty("deviceId").GetGuid().ShouldBe(deviceId);
        (await coordinator.GetAsync("/api/devices?kind=toaster")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        (await accountant.GetAsync("/api/devices")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Should_list_quarantined_payloads_with_their_reason_and_count_them_by_reason_once_each()
    {
        var coordinator = await Gateway.SignInAsNewStaffAsync(GatewayRoles.MaintenanceCoordinator);
        long CountOf(JsonElement answer, string kind) =>
            answer.GetProperty("countsByReason").EnumerateArray().Where(c => c.GetProperty("reasonKind").GetString() == kind)
                .Sum(c => c.GetProperty("count").GetInt64());
        var before = await coordinator.GetJsonAsync("/api/devices/quarantine");
        var replayed = Quarantined("replayed", "replayed sequence 3 (the device is at 9)");
        var malformed = Quarantined("malformed-json", "malformed JSON");

        await ProjectedAsync(new DevicePayloadsQuarantined { Payloads = [replayed] }, "a replay");
        await ProjectedAsync(new DevicePayloadsQuarantined { Payloads = [replayed, malformed] }, "the same replay again, and malformed JSON");

        var after = await coordinator.GetJsonAsync("/api/devices/quarantine");
        (CountOf(after, "replayed") - CountOf(before, "replayed")).ShouldBe(1);
        (CountOf(after, "malformed-json") - CountOf(before, "malformed-json")).ShouldBe(1);
        var listed = (await coordinator.GetJsonAsync("/api/devices/quarantine?reasonKind=replayed&limit=200")).GetProperty("payloads").GetProperty("items")
            .EnumerateArray().Single(p => p.GetProperty("quarantineId").GetGuid() == replayed.QuarantineId);
        listed.GetProperty("reason").GetString().ShouldBe(replayed.Reason);
        listed.GetProperty("topic").GetString().ShouldBe(replayed.Topic);
        var bad = await coordinator.GetAsync("/api/devices/quarantine?reasonKind=whatever");
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await bad.Content.ReadAsStringAsync()).ShouldContain("reasonKind");
    }
}
