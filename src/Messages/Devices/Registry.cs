namespace Orchestration.Messages.Devices;

/// <summary>What a device is; it decides which payloads it may send and which commands it takes.</summary>
public enum DeviceKind
{
    Lock,
    LeakSensor,
    Thermostat,
}

/// <summary>
/// Registers a device of a unit, with the hash of its MQTT password (RabbitMQ's salted SHA-256 format, so the broker can
/// take the hash as it is). The password itself is shown once to whoever registered the device and never sent.
/// </summary>
public sealed record RegisterDevice
{
    public required Guid DeviceId { get; init; }
    public required DeviceKind Kind { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }

    /// <summary>The property's postal code, lower case without spaces: the service area of work orders its alarms open.</summary>
    public required string ServiceArea { get; init; }

    public required string CredentialHash { get; init; }
}

/// <summary>A device can now connect and publish on its own events topic.</summary>
public sealed record DeviceRegistered
{
    public required Guid DeviceId { get; init; }
    public required DeviceKind Kind { get; init; }
    public required Guid PropertyId { get; init; }
    public required Guid UnitId { get; init; }
    public required DateTimeOffset RegisteredAt { get; init; }
}
