using Dapper;
using MassTransit;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Endpoints.Gateway.ReadModels;

/// <summary>A vendor as staff see it, without its signing secret. Trades and service areas are space-separated.</summary>
public sealed record VendorRow(
    Guid VendorId, string Name, string Trades, string ServiceAreas, string CallbackUrl, DateOnly InsuranceExpiresOn, int Preference,
    DateTimeOffset RegisteredAt);

/// <summary>One of a vendor's API keys, without the key: when it was issued and, once revoked, when.</summary>
public sealed record VendorKeyView(Guid KeyId, DateTimeOffset? IssuedAt, DateTimeOffset? RevokedAt);

/// <summary>
/// The vendors and their API keys, projected from Maintenance's <see cref="VendorRegistered"/>,
/// <see cref="VendorComplianceUpdated"/>, <see cref="VendorApiKeyIssued"/> and <see cref="VendorApiKeyRevoked"/>. A vendor
/// appears once the registry has stored it. The later compliance request wins and a key's first revocation stays, so
/// duplicates and any order of arrival leave the same rows.
/// </summary>
public sealed class VendorReadModel(SqlStorage storage)
{
    public static readonly SchemaMigration Tables = new("gateway_vendors_0001", (s, d) => $"""
        CREATE TABLE {s.Table("vendor_view")} (
            vendor_id {d.UuidType} PRIMARY KEY,
            name text NOT NULL,
            trades text NOT NULL,
            service_areas text NOT NULL,
            callback_url text NOT NULL,
            insurance_expires_on text NOT NULL,
            preference integer NOT NULL,
            registered_at bigint NOT NULL,
            compliance_requested_at bigint NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "vendor_view_name")} ON {s.Table("vendor_view")} (name, vendor_id);
        CREATE TABLE {s.Table("vendor_key_view")} (
            key_id {d.UuidType} PRIMARY KEY,
            vendor_id {d.UuidType} NOT NULL,
            issued_at bigint NULL,
            revoked_at bigint NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "vendor_key_view_vendor")} ON {s.Table("vendor_key_view")} (vendor_id);
        """);

    readonly string _vendors = storage.Table("vendor_view");
    readonly string _keys = storage.Table("vendor_key_view");

    const string VendorColumns = "vendor_id, name, trades, service_areas, callback_url, insurance_expires_on, preference, registered_at";

    /// <summary>Stores the vendor the first time; a repeat changes nothing, so it cannot undo a later compliance update.</summary>
    public Task RegisteredAsync(SqlSession session, VendorRegistered registered, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_vendors} ({VendorColumns})
            VALUES (@VendorId, @Name, @trades, @areas, @CallbackUrl, @InsuranceExpiresOn, @Preference, @RegisteredAt)
            ON CONFLICT (vendor_id) DO NOTHING
            """, new
            {
                registered.VendorId, registered.Name, trades = string.Join(' ', registered.Trades), areas = string.Join(' ', registered.ServiceAreas),
                registered.CallbackUrl, registered.InsuranceExpiresOn, registered.Preference, registered.RegisteredAt,
            }, cancellationToken));

    public Task ComplianceUpdatedAsync(SqlSession session, VendorComplianceUpdated updated, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_vendors} SET insurance_expires_on = @InsuranceExpiresOn, compliance_requested_at = @RequestedAt
            WHERE vendor_id = @VendorId AND (compliance_requested_at IS NULL OR compliance_requested_at < @RequestedAt)
            """, updated, cancellationToken));

    public Task KeyIssuedAsync(SqlSession session, VendorApiKeyIssued issued, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_keys} (key_id, vendor_id, issued_at) VALUES (@KeyId, @VendorId, @IssuedAt)
            ON CONFLICT (key_id) DO UPDATE SET issued_at = COALESCE({_keys}.issued_at, excluded.issued_at)
            """, issued, cancellationToken));

    public Task KeyRevokedAsync(SqlSession session, VendorApiKeyRevoked revoked, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_keys} (key_id, vendor_id, revoked_at) VALUES (@KeyId, @VendorId, @RevokedAt)
            ON CONFLICT (key_id) DO UPDATE SET revoked_at = COALESCE({_keys}.revoked_at, excluded.revoked_at)
            """, revoked, cancellationToken));

    public Task<VendorRow?> FindAsync(SqlSession session, Guid vendorId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<VendorRow?>(session.Command(
            $"SELECT {VendorColumns} FROM {_vendors} WHERE vendor_id = @vendorId", new { vendorId }, cancellationToken));

    /// <summary>Vendors by name.</summary>
    public Task<Page<VendorRow>> ListAsync(SqlSession session, Paging paging, CancellationToken cancellationToken) =>
        session.QueryPageAsync<VendorRow>($"SELECT {VendorColumns} FROM {_vendors} ORDER BY name, vendor_id LIMIT @limit OFFSET @offset",
            $"SELECT COUNT(*) FROM {_vendors}", null, paging, cancellationToken);

    public async Task<IReadOnlyList<VendorKeyView>> KeysAsync(SqlSession session, Guid vendorId, CancellationToken cancellationToken) =>
        [.. await session.Connection.QueryAsync<VendorKeyView>(session.Command(
            $"SELECT key_id, issued_at, revoked_at FROM {_keys} WHERE vendor_id = @vendorId ORDER BY key_id", new { vendorId }, cancellationToken))];

    /// <summary>Whether the vendor holds the key (issued, revoked or not).</summary>
    public async Task<bool> HoldsKeyAsync(SqlSession session, Guid vendorId, Guid keyId, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteScalarAsync<long>(session.Command(
            $"SELECT COUNT(*) FROM {_keys} WHERE key_id = @keyId AND vendor_id = @vendorId", new { vendorId, keyId }, cancellationToken)) > 0;
}

/// <summary>Keeps <see cref="VendorReadModel"/> in step with the vendor registry's events.</summary>
public sealed class VendorProjectionConsumer(SqlSession session, VendorReadModel vendors)
    : IConsumer<VendorRegistered>, IConsumer<VendorComplianceUpdated>, IConsumer<VendorApiKeyIssued>, IConsumer<VendorApiKeyRevoked>
{
    public Task Consume(ConsumeContext<VendorRegistered> context) => vendors.RegisteredAsync(session, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<VendorComplianceUpdated> context) =>
        vendors.ComplianceUpdatedAsync(session, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<VendorApiKeyIssued> context) => vendors.KeyIssuedAsync(session, context.Message, context.CancellationToken);

    public Task Consume(ConsumeContext<VendorApiKeyRevoked> context) => vendors.KeyRevokedAsync(session, context.Message, context.CancellationToken);
}
