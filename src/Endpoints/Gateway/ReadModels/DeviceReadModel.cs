using Dapper;
using MassTransit;
using Orchestration.Messages.Devices;

namespace Orchestration.Endpoints.Gateway.ReadModels;

/// <summary>A device as staff see it: what and where it is, when it was last heard from, its battery.</summary>
public sealed record DeviceView(
    Guid DeviceId, string Kind, Guid PropertyId, Guid UnitId, DateTimeOffset RegisteredAt, DateTimeOffset? LastSeenAt, int? BatteryPercent);

/// <summary>What a list of devices is narrowed to; each filter applies when given.</summary>
public sealed record DeviceFilter(Guid? PropertyId, Guid? UnitId, string? Kind);

/// <summary>A payload Devices moved aside, without the payload itself.</summary>
public sealed record QuarantinedPayloadView(
    Guid QuarantineId, DateTimeOffset ReceivedAt, string Topic, Guid? DeviceId, string ReasonKind, string Reason, int PayloadBytes);

/// <summary>
/// How many quarantined payloads there are of one reason kind. Properties, not a constructor: SQLite names no type for a
/// computed column of an empty result, which a constructor's signature would have to match.
/// </summary>
public sealed record QuarantineCount
{
    public string ReasonKind { get; init; } = "";
    public long Count { get; init; }
}

/// <summary>
/// The devices and the quarantined payloads, projected from Devices' <see cref="DeviceRegistered"/>, <see cref="DeviceSeen"/>
/// and <see cref="DevicePayloadsQuarantined"/>. A sighting only moves a device's last-seen time forward, and a sighting
/// that came before the registration waits in its columns until the registration fills in the rest; so duplicates and
/// any order of arrival leave the same rows.
/// </summary>
public sealed class DeviceReadModel(SqlStorage storage)
{
    public static readonly SchemaMigration Tables = new("gateway_devices_0001", (s, d) => $"""
        CREATE TABLE {s.Table("device_view")} (
            device_id {d.UuidType} PRIMARY KEY,
            kind text NULL,
            property_id {d.UuidType} NULL,
            unit_id {d.UuidType} NULL,
            registered_at bigint NULL,
            last_seen_at bigint NULL,
            battery_percent integer NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "device_view_unit")} ON {s.Table("device_view")} (property_id, unit_id);
        CREATE TABLE {s.Table("quarantined_payload_view")} (
            quarantine_id {d.UuidType} PRIMARY KEY,
            received_at bigint NOT NULL,
            topic text NOT NULL,
            device_id {d.UuidType} NULL,
            reason_kind text NOT NULL,
            reason text NOT NULL,
            payload_bytes integer NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "quarantined_payload_view_received")} ON {s.Table("quarantined_payload_view")} (received_at);
        CREATE INDEX {PlatformMigrations.Index(s, "quarantined_payload_view_kind")} ON {s.Table("quarantined_payload_view")} (reason_kind, received_at);
        """);

    readonly string _devices = storage.Table("device_view");
    readonly string _quarantine = storage.Table("quarantined_payload_view");

    const string DeviceColumns = "device_id, kind, property_id, unit_id, registered_at, last_seen_at, battery_percent";
    const string QuarantineColumns = "quarantine_id, received_at, topic, device_id, reason_kind, reason, payload_bytes";

    public Task RegisteredAsync(SqlSession session, DeviceRegistered registered, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_devices} (device_id, kind, property_id, unit_id, registered_at) VALUES (@DeviceId, @kind, @PropertyId, @UnitId, @RegisteredAt)
            ON CONFLICT (device_id) DO UPDATE SET kind = excluded.kind, property_id = excluded.property_id, unit_id = excluded.unit_id,
                registered_at = excluded.registered_at
            """, new { registered.DeviceId, kind = KindName(registered.Kind), registered.PropertyId, registered.UnitId, registered.RegisteredAt },
            cancellationToken));

    public async Task SeenAsync(SqlSession session, DeviceSeen seen, CancellationToken cancellationToken)
    {
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_devices} (device_id, last_seen_at, battery_percent) VALUES (@DeviceId, @SeenAt, @BatteryPercent)
            ON CONFLICT (device_id) DO NOTHING
            """, seen, cancellationToken));
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_devices} SET last_seen_at = @SeenAt, battery_percent = COALESCE(@BatteryPercent, battery_percent)
            WHERE device_id = @DeviceId AND (last_seen_at IS NULL OR last_seen_at < @SeenAt)
            """, seen, cancellationToken));
    }

    public async Task QuarantinedAsync(SqlSession session, DevicePayloadsQuarantined batch, CancellationToken cancellationToken)
    {
        foreach (var payload in batch.Payloads)
            await session.Connection.ExecuteAsync(session.Command($"""
                INSERT INTO {_quarantine} ({QuarantineColumns})
                VALUES (@QuarantineId, @ReceivedAt, @Topic, @DeviceId, @ReasonKind, @Reason, @PayloadBytes)
                ON CONFLICT (quarantine_id) DO NOTHING
                """, payload, cancellationToken));
    }

    public Task<DeviceView?> FindAsync(SqlSession session, Guid deviceId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<DeviceView?>(session.Command(
            $"SELECT {DeviceColumns} FROM {_devices} WHERE device_id = @deviceId AND kind IS NOT NULL", new { deviceId }, cancellationToken));

    /// <summary>Registered devices by property, unit and registration; a device only seen so far is not listed until its registration arrives.</summary>
    public Task<Page<DeviceView>> ListAsync(SqlSession session, DeviceFilter filter, Paging paging, CancellationToken cancellationToken)
    {
        // Each condition is a fixed piece of SQL, chosen by which filters are given; every value stays a parameter.
        var conditions = new List<string> { "kind IS NOT NULL" };
        if (filter.PropertyId is not null)
            conditions.Add("property_id = @PropertyId");
        if (filter.UnitId is not null)
            conditions.Add("unit_id = @UnitId");
        if (filter.Kind is not null)
            conditions.Add("kind = @Kind");
        var where = "WHERE " + string.Join(" AND ", conditions);
        return session.QueryPageAsync<DeviceView>(
            $"SELECT {DeviceColumns} FROM {_devices} {where} ORDER BY property_id, unit_id, registered_at, device_id LIMIT @limit OFFSET @offset",
            $"SELECT COUNT(*) FROM {_devices} {where}", filter, paging, cancellationToken);
    }

    /// <summary>Quarantined payloads newest first, of one reason kind when given.</summary>
    public Task<Page<QuarantinedPayloadView>> QuarantineAsync(SqlSession session, string? reasonKind, Paging paging, CancellationToken cancellationToken)
    {
        var where = reasonKind is null ? "" : "WHERE reason_kind = @reasonKind";
        return session.QueryPageAsync<QuarantinedPayloadView>(
            $"SELECT {QuarantineColumns} FROM {_quarantine} {where} ORDER BY received_at DESC, quarantine_id LIMIT @limit OFFSET @offset",
            $"SELECT COUNT(*) FROM {_quarantine} {where}", new { reasonKind }, paging, cancellationToken);
    }

    public async Task<IReadOnlyList<QuarantineCount>> QuarantineCountsAsync(SqlSession session, CancellationToken cancellationToken) =>
        [.. await session.Connection.QueryAsync<QuarantineCount>(session.Command(
            $"SELECT reason_kind, COUNT(*) AS count FROM {_quarantine} GROUP BY reason_kind ORDER BY reason_kind", null, cancellationToken))];

    /// <summary>The name the API uses for a kind: <c>lock</c>, <c>leak-sensor</c>, <c>thermostat</c>.</summary>
    public static string KindName(DeviceKind kind) => kind switch
    {
        DeviceKind.Lock => "lock",
        DeviceKind.LeakSensor => "leak-sensor",
        _ => "thermostat",
    };
}

/// <summary>Keeps <see cref="DeviceReadModel"/> in step with Devices' events.</summary>
public sealed class DeviceProjectionConsumer(SqlSession session, DeviceReadModel devices)
    : IConsumer<DeviceRegistered>, IConsumer<DeviceSeen>, IConsumer<DevicePayloadsQuarantined>
{
    public Task Consume(ConsumeContext<DeviceRegistered> context) => devices.RegisteredAsync(session, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<DeviceSeen> context) => devices.SeenAsync(session, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<DevicePayloadsQuarantined> context) => devices.QuarantinedAsync(session, context.Message, context.CancellationToken);
}
