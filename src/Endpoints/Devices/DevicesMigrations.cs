namespace Orchestration.Endpoints.Devices;

/// <summary>
/// The tables Devices owns in its schema: one access code per lease, so that issuing is idempotent on the lease as well
/// as on message ids. Dates are ISO 8601 (<c>yyyy-MM-dd</c>, the property's local time zone); times are Unix
/// milliseconds (UTC).
/// </summary>
public static class DevicesMigrations
{
    public static readonly SchemaMigration Tables = new("devices_0001_access_codes", (s, d) => $"""
        CREATE TABLE {s.Table("access_codes")} (
            lease_id {d.UuidType} PRIMARY KEY,
            access_code_id {d.UuidType} NULL UNIQUE,
            property_id {d.UuidType} NOT NULL,
            unit_id {d.UuidType} NOT NULL,
            tenant_id {d.UuidType} NULL,
            code_hash text NULL,
            valid_from text NULL,
            valid_through text NULL,
            issued_at bigint NULL,
            revoked_at bigint NULL,
            revoke_reason text NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "access_codes_unit")} ON {s.Table("access_codes")} (unit_id);
        """);
}
