using Dapper;

namespace Orchestration.Endpoints.Devices.Alarms;

/// <summary>
/// The work order each device has open per alarm: a row while it is open, so a sensor that keeps reporting a leak opens
/// one work order, and the next leak after that work order is completed or cancelled opens a new one.
/// </summary>
public sealed class DeviceAlarms(SqlStorage storage)
{
    readonly string _alarms = storage.Table("device_alarms");

    /// <summary>Opens the alarm with this work order; false when the device already has that alarm open.</summary>
    public async Task<bool> TryOpenAsync(SqlSession session, Guid deviceId, string alarm, Guid workOrderId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_alarms} (device_id, alarm, work_order_id, raised_at) VALUES (@deviceId, @alarm, @workOrderId, @now)
            ON CONFLICT (device_id, alarm) DO NOTHING
            """, new { deviceId, alarm, workOrderId, now }, cancellationToken)) == 1;

    public Task<Guid?> OpenWorkOrderAsync(SqlSession session, Guid deviceId, string alarm, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<Guid?>(session.Command(
            $"SELECT work_order_id FROM {_alarms} WHERE device_id = @deviceId AND alarm = @alarm", new { deviceId, alarm }, cancellationToken));

    public Task CloseAsync(SqlSession session, Guid workOrderId, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"DELETE FROM {_alarms} WHERE work_order_id = @workOrderId", new { workOrderId }, cancellationToken));
}
