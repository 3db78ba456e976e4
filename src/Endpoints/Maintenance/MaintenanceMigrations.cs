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

    /// <summary>
    /// What each vendor has been offered, as the dispatch consumer sent it: the vendor API lists and acts only on a vendor's
    /// own offers that have not been withdrawn. One row per work order and vendor; a new offer to the same vendor reopens it.
    /// </summary>
    public static readonly SchemaMigration Offers = new("maintenance_0002_vendor_offers", (s, d) => $"""
        CREATE TABLE {s.Table("vendor_offers")} (
            work_order_id {d.UuidType} NOT NULL,
            vendor_id {d.UuidType} NOT NULL,
            event_id {d.UuidType} NOT NULL,
            property_id {d.UuidType} NOT NULL,
            unit_id {d.UuidType} NOT NULL,
            priority text NOT NULL,
            category text NOT NULL,
            description text NOT NULL,
            accept_by bigint NOT NULL,
            offered_at bigint NOT NULL,
            withdrawn_at bigint NULL,
            PRIMARY KEY (work_order_id, vendor_id)
        );
        CREATE INDEX {PlatformMigrations.Index(s, "vendor_offers_vendor")} ON {s.Table("vendor_offers")} (vendor_id, offered_at);
        """);

    /// <summary>When staff asked for the insurance expiry now stored, so that an older request arriving late changes nothing.</summary>
    public static readonly SchemaMigration ComplianceRequests = new("maintenance_0003_vendor_compliance_requests", (s, _) => $"""
        ALTER TABLE {s.Table("vendors")} ADD COLUMN compliance_requested_at bigint NULL;
        """);
}
