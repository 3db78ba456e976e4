using System.Text.Json;
using Orchestration.Endpoints.Devices.Mqtt;
using Orchestration.Endpoints.Devices.Registry;

namespace Orchestration.Devices.Tests.Infrastructure;

/// <summary>A made-up device of a made-up unit, with its password, and the payloads it publishes in sequence.</summary>
public sealed class TestDevice(DeviceKind kind, Guid? propertyId = null, Guid? unitId = null)
{
    long _sequence;

    public Guid DeviceId { get; } = Guid.NewGuid();
    public Guid PropertyId { get; } = propertyId ?? Guid.NewGuid();
    public Guid UnitId { get; } = unitId ?? Guid.NewGuid();
    public DeviceKind Kind { get; } = kind;
    public string Password { get; } = DeviceCredential.NewPassword();
    public string Username => DeviceId.ToString();
    public string EventsTopic => DeviceTopics.Events(PropertyId, UnitId, DeviceId);
    public string CommandsTopic => DeviceTopics.Commands(PropertyId, UnitId, DeviceId);

    public RegisterDevice Register() => new()
    {
        DeviceId = DeviceId, Kind = Kind, PropertyId = PropertyId, UnitId = UnitId, ServiceArea = "94110", CredentialHash = DeviceCredential.Hash(Password),
    };

    public string Leak(string? messageId = null) => Payload(new { type = "alarm", alarm = "leak" }, messageId);

    public string Battery(int percent) => Payload(new { type = "battery", batteryPercent = percent });

    public string Telemetry(double temperature) => Payload(new { type = "telemetry", temperature });

    public string Ack(Guid commandId) => Payload(new { type = "ack", commandId });

    /// <summary>A payload with the given message id and sequence, for repeats and replays.</summary>
    public static string Raw(string messageId, long sequence, string type = "telemetry") =>
        JsonSerializer.Serialize(new { messageId, sequence, type });

    string Payload(object body, string? messageId = null)
    {
        var fields = JsonSerializer.SerializeToElement(body).EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value);
        fields["messageId"] = messageId ?? Guid.NewGuid().ToString();
        fields["sequence"] = Interlocked.Increment(ref _sequence);
        return JsonSerializer.Serialize(fields);
    }
}
