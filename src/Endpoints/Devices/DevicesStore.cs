using Dapper;

namespace Orchestration.Endpoints.Devices;

/// <summary>
/// A lease's access code as Devices knows it: issued (id, hash, validity), revoked, or both. A revocation that arrives
/// before the issue leaves a row without a code, so the late issue issues nothing.
/// </summary>
public sealed record AccessCodeRecord(
    Guid LeaseId, Guid? AccessCodeId, Guid PropertyId, Guid UnitId, string? CodeHash, DateOnly? ValidFrom, DateOnly? ValidThrough,
    DateTimeOffset? IssuedAt, DateTimeOffset? RevokedAt);

/// <summary>A code to store for a lease; the code itself is not part of it.</summary>
public sealed record NewAccessCode(Guid LeaseId, Guid AccessCodeId, Guid PropertyId, Guid UnitId, Guid TenantId, string CodeHash, DateOnly ValidFrom,
    DateOnly ValidThrough);

/// <summary>
/// The SQL of Devices, in one place. Every method runs on the handler's <see cref="SqlSession"/>, inside the
/// transaction that also marks the incoming message handled and stores what it publishes.
/// </summary>
public sealed class DevicesStore(SqlStorage storage)
{
    readonly string _accessCodes = storage.Table("access_codes");

    public Task<AccessCodeRecord?> FindAccessCodeAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<AccessCodeRecord?>(session.Command($"""
            SELECT lease_id, access_code_id, property_id, unit_id, code_hash, valid_from, valid_through, issued_at, revoked_at
            FROM {_accessCodes} WHERE lease_id = @leaseId
            """, new { leaseId }, cancellationToken));

    /// <summary>Stores the code unless the lease already has a row (an issued code, or a revocation that came first).</summary>
    public async Task<bool> TryIssueAsync(SqlSession session, NewAccessCode code, long now, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_accessCodes} (lease_id, access_code_id, property_id, unit_id, tenant_id, code_hash, valid_from, valid_through, issued_at)
            VALUES (@LeaseId, @AccessCodeId, @PropertyId, @UnitId, @TenantId, @CodeHash, @ValidFrom, @ValidThrough, @now)
            ON CONFLICT (lease_id) DO NOTHING
            """, new
            {
                code.LeaseId, code.AccessCodeId, code.PropertyId, code.UnitId, code.TenantId, code.CodeHash, code.ValidFrom, code.ValidThrough, now,
            }, cancellationToken)) == 1;

    /// <summary>Marks the lease's code revoked (the first revocation's time and reason stay), creating the row when nothing was issued yet.</summary>
    public async Task MarkRevokedAsync(SqlSession session, Guid leaseId, Guid propertyId, Guid unitId, string reason, long now,
        CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_accessCodes} (lease_id, property_id, unit_id, revoked_at, revoke_reason)
            VALUES (@leaseId, @propertyId, @unitId, @now, @reason)
            ON CONFLICT (lease_id) DO UPDATE SET revoked_at = @now, revoke_reason = @reason
            WHERE {_accessCodes}.revoked_at IS NULL
            """, new { leaseId, propertyId, unitId, reason, now }, cancellationToken));

    /// <summary>The hash of the code the lock was last sent for the lease.</summary>
    public Task ReplaceCodeHashAsync(SqlSession session, Guid leaseId, string codeHash, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"UPDATE {_accessCodes} SET code_hash = @codeHash WHERE lease_id = @leaseId",
            new { leaseId, codeHash }, cancellationToken));
}
