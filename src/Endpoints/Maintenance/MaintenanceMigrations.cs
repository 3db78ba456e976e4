namespace Orchestration.Endpoints.Maintenance;

/// <summary>
/// The tables Maintenance owns in its schema (the saga's table is the platform's). Trades and service areas are kept
/// as space-delimited lists with a space at each end, so one parameterized <c>LIKE</c> finds a whole entry. Dates are
/// ISO 8601 (<c>yyyy-MM-dd</c>); times are Unix milliseconds (UTC).
/// </summary>
public static class MaintenanceMigrations
{
    public static readonly SchemaMigration Tables = new("maintenance_0001_vendors_api_keys", (s, d) => $"""
        CREATE TABLE {s.Table("vendors")} (
            vendor_id {d.UuidType} PRIMARY KEY,
            name text NOT NULL,
            trades text NOT NULL,
            service_areas text NOT NULL,
            callback_url text NOT NULL,
            signing_secret text NOT NULL,
            insurance_expires_on text NOT NULL,
            preference integer NOT NULL,
            registered_at bigint NOT NULL
        );

        CREATE TABLE {s.Table("vendor_api_keys")} (
            key_hash text PRIMARY KEY,
            key_id {d.UuidType} NOT NULL UNIQUE,
            vendor_id {d.UuidType} NOT NULL,
            created_at bigint NOT NULL,
            revoked_at bigint NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "vendor_api_keys_vendor")} ON {s.Table("vendor_api_keys")} (vendor_id);
        """);
}
