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

/// <summary>
/// A device spoke: when it was last heard from and its battery level. Announced when the battery level changes, and
/// otherwise at most once per reporting interval per device, so a chatty device does not flood its subscribers.
/// </summary>
public sealed record DeviceSeen
{
    public required Guid DeviceId { get; init; }
    public required DateTimeOffset SeenAt { get; init; }
    public int? BatteryPercent { get; init; }
}

/// <summary>
/// Payloads Devices moved aside instead of applying, announced in batches (a flood of bad payloads must not become a
/// flood of messages). <see cref="QuarantinedPayloadNotice.ReasonKind"/> is the reason in a word, for counting:
/// <c>too-large</c>, <c>not-a-device-topic</c>, <c>unknown-device</c>, <c>topic-mismatch</c>, <c>malformed-json</c>,
/// <c>schema</c>, <c>replayed</c> or <c>not-applicable</c>; <see cref="QuarantinedPayloadNotice.Reason"/> says it in full.
/// </summary>
public sealed record DevicePayloadsQuarantined
{
    public required IReadOnlyList<QuarantinedPayloadNotice> Payloads { get; init; }
}

public sealed record QuarantinedPayloadNotice
{
    public required Guid QuarantineId { get; init; }
    public required DateTimeOffset ReceivedAt { get; init; }
    public required string Topic { get; init; }
    public Guid? DeviceId { get; init; }
    public required string ReasonKind { get; init; }
    public required string Reason { get; init; }
    public required int PayloadBytes { get; init; }
}
