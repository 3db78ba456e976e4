using Dapper;
using Orchestration.Messages.Devices;

namespace Orchestration.Endpoints.Devices.Registry;

/// <summary>A registered device as Devices knows it.</summary>
public sealed record DeviceRecord(
    Guid DeviceId, DeviceKind Kind, Guid PropertyId, Guid UnitId, string ServiceArea, string CredentialHash, DateTimeOffset RegisteredAt,
    DateTimeOffset? LastSeenAt, int? BatteryPercent, long? LastSequence);

/// <summary>A payload moved aside: where it came from, why, and its first bytes (base64).</summary>
public sealed record QuarantinedPayload(
    Guid QuarantineId, DateTimeOffset ReceivedAt, string Topic, Guid? DeviceId, string Reason, int PayloadBytes, string PayloadHead);

/// <summary>The device registry, the deduplication of device messages and the quarantine, in one place.</summary>
public sealed class DeviceRegistry(SqlStorage storage)
{
    readonly string _devices = storage.Table("devices");
    readonly string _messages = storage.Table("device_messages");
    readonly string _quarantine = storage.Table("quarantined_payloads");

    public Task<DeviceRecord?> FindAsync(SqlSession session, Guid deviceId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<DeviceRecord?>(session.Command($"""
            SELECT device_id, kind, property_id, unit_id, service_area, credential_hash, registered_at, last_seen_at, battery_percent, last_sequence
            FROM {_devices} WHERE device_id = @deviceId
            """, new { deviceId }, cancellationToken));

    /// <summary>The unit's device of that kind registered last, if any.</summary>
    public Task<DeviceRecord?> FindOnUnitAsync(SqlSession session, Guid unitId, DeviceKind kind, CancellationToken cancellationToken) =>
        session.Connection.QueryFirstOrDefaultAsync<DeviceRecord?>(session.Command($"""
            SELECT device_id, kind, property_id, unit_id, service_area, credential_hash, registered_at, last_seen_at, battery_percent, last_sequence
            FROM {_devices} WHERE unit_id = @unitId AND kind = @kind ORDER BY registered_at DESC
            """, new { unitId, kind = kind.ToString() }, cancellationToken));

    public async Task<IReadOnlyList<DeviceRecord>> ListAsync(SqlSession session, CancellationToken cancellationToken) =>
        [.. await session.Connection.QueryAsync<DeviceRecord>(session.Command($"""
            SELECT device_id, kind, property_id, unit_id, service_area, credential_hash, registered_at, last_seen_at, battery_percent, last_sequence
            FROM {_devices} ORDER BY registered_at, device_id
            """, null, cancellationToken))];

    /// <summary>Registers the device unless it is known; a repeated registration changes nothing.</summary>
    public async Task<bool> TryRegisterAsync(SqlSession session, RegisterDevice device, DateTimeOffset now, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_devices} (device_id, kind, property_id, unit_id, service_area, credential_hash, registered_at)
            VALUES (@DeviceId, @kind, @PropertyId, @UnitId, @ServiceArea, @CredentialHash, @now)
            ON CONFLICT (device_id) DO NOTHING
            """, new { device.DeviceId, kind = device.Kind.ToString(), device.PropertyId, device.UnitId, device.ServiceArea, device.CredentialHash, now },
            cancellationToken)) == 1;

    /// <summary>
    /// Claims the device's message id and its sequence; false when either was claimed before (a redelivery or a device's
    /// repeat, or a replay under a new message id: <see cref="IsClaimedAsync"/> tells which).
    /// </summary>
    public async Task<bool> TryClaimMessageAsync(SqlSession session, Guid deviceId, string messageId, long sequence, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_messages} (device_id, message_id, sequence, received_at) VALUES (@deviceId, @messageId, @sequence, @now)
            ON CONFLICT DO NOTHING
            """, new { deviceId, messageId, sequence, now }, cancellationToken)) == 1;

    public Task<bool> IsClaimedAsync(SqlSession session, Guid deviceId, string messageId, CancellationToken cancellationToken) =>
        session.Connection.ExecuteScalarAsync<bool>(session.Command($"""
            SELECT COUNT(*) FROM {_messages} WHERE device_id = @deviceId AND message_id = @messageId
            """, new { deviceId, messageId }, cancellationToken));

    /// <summary>
    /// Records that the device spoke, with its sequence (the newest stays, as an older one may be committed after it) and,
    /// when it reported one, its battery level.
    /// </summary>
    public Task SeenAsync(SqlSession session, Guid deviceId, long sequence, int? batteryPercent, DateTimeOffset now, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_devices} SET last_seen_at = @now,
                last_sequence = CASE WHEN last_sequence IS NULL OR last_sequence < @sequence THEN @sequence ELSE last_sequence END,
                battery_percent = COALESCE(@batteryPercent, battery_percent)
            WHERE device_id = @deviceId
            """, new { deviceId, sequence, batteryPercent, now }, cancellationToken));

    public Task QuarantineAsync(SqlSession session, QuarantinedPayload payload, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_quarantine} (quarantine_id, received_at, topic, device_id, reason, payload_bytes, payload_head)
            VALUES (@QuarantineId, @ReceivedAt, @Topic, @DeviceId, @Reason, @PayloadBytes, @PayloadHead)
            """, payload, cancellationToken));

    /// <summary>The newest quarantined payloads first, a page at a time.</summary>
    public async Task<IReadOnlyList<QuarantinedPayload>> ListQuarantineAsync(SqlSession session, int limit, CancellationToken cancellationToken) =>
        [.. await session.Connection.QueryAsync<QuarantinedPayload>(session.Command($"""
            SELECT quarantine_id, received_at, topic, device_id, reason, payload_bytes, payload_head
            FROM {_quarantine} ORDER BY received_at DESC, quarantine_id LIMIT @limit
            """, new { limit }, cancellationToken))];

    /// <summary>The oldest payloads not yet announced, locked so that one instance announces each.</summary>
    public async Task<IReadOnlyList<QuarantinedPayload>> ClaimUnannouncedAsync(SqlSession session, int limit, CancellationToken cancellationToken) =>
        [.. await session.Connection.QueryAsync<QuarantinedPayload>(session.Command($"""
            SELECT quarantine_id, received_at, topic, device_id, reason, payload_bytes, payload_head
            FROM {_quarantine} WHERE announced_at IS NULL ORDER BY received_at, quarantine_id LIMIT @limit {session.Storage.Dialect.ForUpdateSkipLocked}
            """, new { limit }, cancellationToken))];

    public async Task MarkAnnouncedAsync(SqlSession session, IReadOnlyList<Guid> quarantineIds, DateTimeOffset now, CancellationToken cancellationToken)
    {
        foreach (var quarantineId in quarantineIds)
            await session.Connection.ExecuteAsync(session.Command(
                $"UPDATE {_quarantine} SET announced_at = @now WHERE quarantine_id = @quarantineId", new { quarantineId, now }, cancellationToken));
    }

    public Task<long> CountQuarantineAsync(SqlSession session, CancellationToken cancellationToken) =>
        session.Connection.ExecuteScalarAsync<long>(session.Command($"SELECT COUNT(*) FROM {_quarantine}", null, cancellationToken));

    public Task<long> CountMessagesAsync(SqlSession session, CancellationToken cancellationToken) =>
        session.Connection.ExecuteScalarAsync<long>(session.Command($"SELECT COUNT(*) FROM {_messages}", null, cancellationToken));

    /// <summary>Forgets device messages and quarantined payloads received before the cutoff; returns how many rows went.</summary>
    public async Task<int> RemoveEventsBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        var messages = await connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM {_messages} WHERE received_at < @cutoff", new { cutoff }, cancellationToken: cancellationToken));
        var quarantined = await connection.ExecuteAsync(new CommandDefinition(
            $"DELETE FROM {_quarantine} WHERE received_at < @cutoff", new { cutoff }, cancellationToken: cancellationToken));
        return messages + quarantined;
    }
}
