using System.Globalization;

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
    const string DateFormat = "yyyy-MM-dd";

    readonly string _accessCodes = storage.Table("access_codes");

    public async Task<AccessCodeRecord?> FindAccessCodeAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT lease_id, access_code_id, property_id, unit_id, code_hash, valid_from, valid_through, issued_at, revoked_at
            FROM {_accessCodes} WHERE lease_id = @lease_id
            """).With("@lease_id", leaseId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new AccessCodeRecord(reader.GetGuid(0), reader.GetNullableGuid(1), reader.GetGuid(2), reader.GetGuid(3), reader.GetNullableString(4),
                Date(reader.GetNullableString(5)), Date(reader.GetNullableString(6)), Time(reader.GetNullableInt64(7)), Time(reader.GetNullableInt64(8)))
            : null;
    }

    /// <summary>Stores the code unless the lease already has a row (an issued code, or a revocation that came first).</summary>
    public async Task<bool> TryIssueAsync(SqlSession session, NewAccessCode code, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_accessCodes} (lease_id, access_code_id, property_id, unit_id, tenant_id, code_hash, valid_from, valid_through, issued_at)
            VALUES (@lease_id, @access_code_id, @property_id, @unit_id, @tenant_id, @code_hash, @valid_from, @valid_through, @now)
            ON CONFLICT (lease_id) DO NOTHING
            """)
            .With("@lease_id", code.LeaseId).With("@access_code_id", code.AccessCodeId).With("@property_id", code.PropertyId)
            .With("@unit_id", code.UnitId).With("@tenant_id", code.TenantId).With("@code_hash", code.CodeHash)
            .With("@valid_from", code.ValidFrom.ToString(DateFormat, CultureInfo.InvariantCulture))
            .With("@valid_through", code.ValidThrough.ToString(DateFormat, CultureInfo.InvariantCulture)).With("@now", now);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Marks the lease's code revoked (the first revocation's time and reason stay), creating the row when nothing was issued yet.</summary>
    public async Task MarkRevokedAsync(SqlSession session, Guid leaseId, Guid propertyId, Guid unitId, string reason, long now,
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_accessCodes} (lease_id, property_id, unit_id, revoked_at, revoke_reason) VALUES (@lease_id, @property_id, @unit_id, @now, @reason)
            ON CONFLICT (lease_id) DO UPDATE SET revoked_at = @now, revoke_reason = @reason
            WHERE {_accessCodes}.revoked_at IS NULL
            """)
            .With("@lease_id", leaseId).With("@property_id", propertyId).With("@unit_id", unitId).With("@reason", reason).With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static DateOnly? Date(string? text) => text is null ? null : DateOnly.ParseExact(text, DateFormat, CultureInfo.InvariantCulture);

    static DateTimeOffset? Time(long? unixMilliseconds) => unixMilliseconds is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
