namespace Orchestration.Devices.Tests.Infrastructure;

public static class DevicesReads
{
    /// <summary>The lease's access-code row as Devices stored it.</summary>
    public static Task<AccessCodeRecord?> AccessCodeAsync(this InProcessEndpoint devices, Guid leaseId) =>
        devices.ReadAsync<DevicesStore, AccessCodeRecord?>((store, session, ct) => store.FindAccessCodeAsync(session, leaseId, ct));
}
