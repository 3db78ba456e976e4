using System.Collections.Concurrent;

namespace Orchestration.Simulators.Devices;

/// <summary>
/// Smart-home devices over MQTT, told what to do through <c>/_sim/devices/{id}</c>: <c>PUT</c> connects a device
/// (kind <c>lock</c>, <c>leak-sensor</c> or <c>thermostat</c>, its property, unit and password, and for a lock whether
/// it acknowledges commands), <c>POST …/leak</c> raises a leak alarm, <c>POST …/battery</c> reports a battery level,
/// <c>POST …/telemetry</c> a temperature, <c>GET</c> shows the commands a lock or thermostat received, <c>DELETE</c> disconnects it.
/// </summary>
internal static class DevicesSimulator
{
    public const string Name = "Devices";

    public static void AddServices(IServiceCollection services, DevicesSimulatorOptions options) =>
        services.AddSingleton<ConcurrentDictionary<Guid, SimulatedDevice>>();

    public static void Map(WebApplication app)
    {
        var controls = app.MapGroup("/_sim/devices/{id:guid}");
        controls.MapPut("", async (Guid id, DeviceSetup setup, ConcurrentDictionary<Guid, SimulatedDevice> devices, DevicesSimulatorOptions options,
            CancellationToken token) =>
        {
            if (setup.Kind is not ("lock" or "leak-sensor" or "thermostat"))
                return new ProviderError("validation_failed", "kind is lock, leak-sensor or thermostat.", "kind").ToResponse(StatusCodes.Status400BadRequest);
            if (devices.TryGetValue(id, out var known) && known.Setup with { Acknowledge = setup.Acknowledge } == setup)
            {
                known.Setup = setup;
                return Results.NoContent();
            }

            SimulatedDevice device;
            try
            {
                device = await SimulatedDevice.ConnectAsync(id, setup, options, token);
            }
            catch (Exception exception) when (exception is InvalidOperationException or MQTTnet.Exceptions.MqttCommunicationException)
            {
                return new ProviderError("broker_refused", exception.Message).ToResponse(StatusCodes.Status502BadGateway);
            }

            if (devices.TryRemove(id, out var replaced))
                await replaced.DisposeAsync();
            devices[id] = device;
            return Results.NoContent();
        });
        controls.MapPost("/leak", (Guid id, ConcurrentDictionary<Guid, SimulatedDevice> devices, CancellationToken token) =>
            PublishAsync(devices, id, new { type = "alarm", alarm = "leak" }, token));
        controls.MapPost("/battery", (Guid id, BatteryReport report, ConcurrentDictionary<Guid, SimulatedDevice> devices, CancellationToken token) =>
            PublishAsync(devices, id, new { type = "battery", batteryPercent = report.Percent }, token));
        controls.MapPost("/telemetry", (Guid id, TelemetryReport report, ConcurrentDictionary<Guid, SimulatedDevice> devices, CancellationToken token) =>
            PublishAsync(devices, id, new { type = "telemetry", temperature = report.Temperature }, token));
        controls.MapGet("", (Guid id, ConcurrentDictionary<Guid, SimulatedDevice> devices) =>
            devices.TryGetValue(id, out var device)
                ? Results.Json(new { commands = device.Commands, acknowledge = device.Setup.Acknowledge }, SimulatorJson.CamelCase)
                : new ProviderError("not_found", $"No device {id}.").ToResponse(StatusCodes.Status404NotFound));
        controls.MapDelete("", async (Guid id, ConcurrentDictionary<Guid, SimulatedDevice> devices) =>
        {
            if (devices.TryRemove(id, out var device))
                await device.DisposeAsync();
            return Results.NoContent();
        });
    }

    public sealed record BatteryReport(int Percent);

    public sealed record TelemetryReport(double Temperature);

    static async Task<IResult> PublishAsync(ConcurrentDictionary<Guid, SimulatedDevice> devices, Guid id, object body, CancellationToken token)
    {
        if (!devices.TryGetValue(id, out var device))
            return new ProviderError("not_found", $"No device {id}.").ToResponse(StatusCodes.Status404NotFound);
        await device.PublishAsync(body, token);
        return Results.Accepted();
    }
}
