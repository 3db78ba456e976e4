using Orchestration.Messages.Devices;

namespace Orchestration.Gateway.Tests;

public sealed class When_staff_register_a_device(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    [Fact]
    public async Task Should_answer_the_password_once_and_send_only_its_hash_to_devices()
    {
        var admin = await Gateway.SignInAsAdminAsync();
        var propertyId = await admin.CreatePropertyAsync();
        var unitId = await admin.AddUnitAsync(propertyId);
        var coordinator = await Gateway.SignInAsNewStaffAsync(GatewayRoles.MaintenanceCoordinator);

        var response = await coordinator.PostAsJsonAsync("/api/devices", new { propertyId, unitId, kind = "leak-sensor" });

        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var registration = await response.Content.ReadFromJsonAsync<JsonElement>();
        var deviceId = registration.GetProperty("deviceId").GetGuid();
        var password = registration.GetProperty("password").GetString().ShouldNotBeNull();
        registration.GetProperty("username").GetString().ShouldBe(deviceId.ToString());
        registration.GetProperty("eventsTopic").GetString().ShouldBe($"devices/{propertyId}/{unitId}/{deviceId}/events");

        var command = await RegisterDeviceAsync(deviceId);
        command.GetProperty("kind").GetInt32().ShouldBe((int)DeviceKind.LeakSensor);
        command.GetProperty("unitId").GetGuid().ShouldBe(unitId);
        var hash = command.GetProperty("credentialHash").GetString().ShouldNotBeNull();
        DeviceCredential.Matches(password, hash).ShouldBeTrue();
        command.GetRawText().ShouldNotContain(password);
    }

    [Fact]
    public async Task Should_refuse_an_unknown_unit_a_wrong_kind_and_staff_without_the_role()
    {
        var admin = await Gateway.SignInAsAdminAsync();
        var propertyId = await admin.CreatePropertyAsync();
        var unitId = await admin.AddUnitAsync(propertyId);

        var unknown = await admin.PostAsJsonAsync("/api/devices", new { propertyId, unitId = Guid.NewGuid(), kind = "lock" });
        unknown.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await unknown.Content.ReadAsStringAsync()).ShouldContain("unitId");

        var kind = await admin.PostAsJsonAsync("/api/devices", new { propertyId, unitId, kind = "toaster" });
        kind.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await kind.Content.ReadAsStringAsync()).ShouldContain("kind");

        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        (await accountant.PostAsJsonAsync("/api/devices", new { propertyId, unitId, kind = "lock" })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }

    /// <summary>The device's registration as the Gateway sent it to Devices' queue.</summary>
    async Task<JsonElement> RegisterDeviceAsync(Guid deviceId)
    {
        await using var connection = await TestServers.RabbitConnectionFactory(Gateway.VirtualHost).CreateConnectionAsync();
        JsonElement? found = null;
        await Eventually.HoldsAsync(async () =>
        {
            // A channel per look: asking for a queue that does not exist yet (nothing sent) closes the channel.
            await using var channel = await connection.CreateChannelAsync();
            try
            {
                while (found is null && await channel.BasicGetAsync(CommandRoutes.DeviceCommands, autoAck: true) is { } result)
                {
                    var message = JsonDocument.Parse(Encoding.UTF8.GetString(result.Body.Span)).RootElement.GetProperty("message").Clone();
                    if (message.GetProperty("deviceId").GetGuid() == deviceId)
                        found = message;
                }
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
            }

            return found is not null;
        }, TimeSpan.FromSeconds(15), "RegisterDevice reached Devices' queue");
        return found!.Value;
    }
}
