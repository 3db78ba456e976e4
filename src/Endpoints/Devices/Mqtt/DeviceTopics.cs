namespace Orchestration.Endpoints.Devices.Mqtt;

/// <summary><c>devices/{propertyId}/{unitId}/{deviceId}/events</c> from devices, <c>…/commands</c> to them.</summary>
public static class DeviceTopics
{
    public const string AllEvents = "devices/+/+/+/events";

    public static string Events(Guid propertyId, Guid unitId, Guid deviceId) => $"devices/{propertyId}/{unitId}/{deviceId}/events";

    public static string Commands(Guid propertyId, Guid unitId, Guid deviceId) => $"devices/{propertyId}/{unitId}/{deviceId}/commands";

    /// <summary>The device's topics as RabbitMQ routes them on <c>amq.topic</c>, without the last level.</summary>
    public static string RoutingKeyPrefix(Guid propertyId, Guid unitId, Guid deviceId) => $"devices.{propertyId}.{unitId}.{deviceId}";

    /// <summary>The ids in an events topic, or null when the topic is not one.</summary>
    public static (Guid PropertyId, Guid UnitId, Guid DeviceId)? ParseEvents(string topic)
    {
        var levels = topic.Split('/');
        return levels is ["devices", var p, var u, var d, "events"]
            && Guid.TryParse(p, out var propertyId) && Guid.TryParse(u, out var unitId) && Guid.TryParse(d, out var deviceId)
            ? (propertyId, unitId, deviceId)
            : null;
    }
}
