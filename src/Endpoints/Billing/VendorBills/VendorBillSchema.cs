namespace Orchestration.Endpoints.Billing.VendorBills;

/// <summary>
/// Bills payable to maintenance vendors, one per work order (its id is the key, so a redelivered or repeated command
/// records nothing new). The amount is exact: <c>numeric</c> on PostgreSQL, decimal text on SQLite; times are Unix
/// milliseconds (UTC).
/// </summary>
public static class VendorBillSchema
{
    public static readonly SchemaMigration Bills = new("billing_vendor_bills_0001", (s, d) => $"""
        CREATE TABLE {s.Table("vendor_bills")} (
            work_order_id {d.UuidType} PRIMARY KEY,
            vendor_id {d.UuidType} NOT NULL,
            property_id {d.UuidType} NOT NULL,
            invoice_number text NOT NULL,
            amount {(d is SqliteDialect ? "TEXT" : "numeric")} NOT NULL,
            currency text NOT NULL,
            idempotency_key text NOT NULL,
            recorded_at bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "vendor_bills_vendor")} ON {s.Table("vendor_bills")} (vendor_id, recorded_at);
        CREATE INDEX {PlatformMigrations.Index(s, "vendor_bills_property")} ON {s.Table("vendor_bills")} (property_id, recorded_at);
        """);
}
