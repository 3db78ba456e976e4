namespace Orchestration.Devices.Tests.Infrastructure;

public static class DevicesReads
{
    /// <summary>The lease's access-code row as Devices stored it.</summary>
    public static Task<AccessCodeRecord?> AccessCodeAsync(this InProcessEndpoint devices, Guid leaseId) =>
        devices.ReadAsync<DevicesStore, AccessCodeRecord?>((store, session, ct) => store.FindAccessCodeAsync(session, leaseId, ct));
}

public static class DeviceRegistryReads
{
    public static Task<Orchestration.Endpoints.Devices.Registry.DeviceRecord?> DeviceAsync(this InProcessEndpoint devices, Guid deviceId) =>
        devices.ReadAsync<Orchestration.Endpoints.Devices.Registry.DeviceRegistry, Orchestration.Endpoints.Devices.Registry.DeviceRecord?>(
            (registry, session, ct) => registry.FindAsync(session, deviceId, ct));

    /// <summary>The quarantined payloads whose topic contains <paramref name="marker"/> (an id of the test's own).</summary>
    public static Task<IReadOnlyList<Orchestration.Endpoints.Devices.Registry.QuarantinedPayload>> QuarantinedAsync(this InProcessEndpoint devices,
        string marker) =>
        devices.ReadAsync<Orchestration.Endpoints.Devices.Registry.DeviceRegistry, IReadOnlyList<Orchestration.Endpoints.Devices.Registry.QuarantinedPayload>>(
            async (registry, session, ct) => [.. (await registry.ListQuarantineAsync(session, 100_000, ct)).Where(p => p.Topic.Contains(marker, StringComparison.Ordinal))]);

    /// <summary>How many quarantined payloads have <paramref name="marker"/> in their topic.</summary>
    public static Task<long> QuarantinedCountAsync(this InProcessEndpoint devices, string marker) =>
        devices.ReadAsync<Orchestration.Endpoints.Devices.Registry.DeviceRegistry, long>(async (_, session, _) =>
            await Dapper.SqlMapper.ExecuteScalarAsync<long>(session.Connection,
                $"SELECT COUNT(*) FROM {session.Storage.Table("quarantined_payloads")} WHERE topic LIKE @pattern", new { pattern = $"%{marker}%" },
                session.Transaction));

    /// <summary>How many messages the devices of a unit had accepted.</summary>
    public static Task<long> AcceptedAsync(this InProcessEndpoint devices, Guid deviceId) =>
        devices.ReadAsync<Orchestration.Endpoints.Devices.Registry.DeviceRegistry, long>(async (_, session, _) =>
            await Dapper.SqlMapper.ExecuteScalarAsync<long>(session.Connection,
                $"SELECT COUNT(*) FROM {session.Storage.Table("device_messages")} WHERE device_id = @deviceId", new { deviceId }, session.Transaction));
}
