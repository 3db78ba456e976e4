namespace Orchestration.Endpoints.Gateway.ReadModels;

/// <summary>
/// The tables behind the staff API in the Gateway schema, created together by one migration. <c>properties</c> and
/// <c>units</c> are master data the Gateway owns (<see cref="Properties.PropertyStore"/>); <c>leases</c>,
/// <c>lease_timeline</c> and <c>tenants</c> are read models projected from Leasing's events (<see cref="LeaseReadModel"/>;
/// a unit's <c>status</c> and <c>lease_id</c> follow them); <c>idempotency_keys</c> remembers which lease an
/// <c>Idempotency-Key</c> created (<see cref="Api.IdempotencyKeys"/>). Times are Unix milliseconds (UTC) and dates ISO
/// <c>yyyy-MM-dd</c> text, as in the platform's tables; amounts are exact decimals (text in SQLite, which has no exact
/// decimal type).
/// </summary>
public static class ReadModelMigrations
{
    public static readonly SchemaMigration Tables = new("gateway_portal_0001_reference_data_and_read_models", s =>
    {
        var d = s.Dialect;
        var amount = d is SqliteDialect ? "TEXT" : "numeric";
        return $"""
            CREATE TABLE {s.Table("properties")} (
                property_id {d.UuidType} PRIMARY KEY,
                name text NOT NULL,
                address_line1 text NOT NULL,
                address_line2 text NULL,
                city text NOT NULL,
                region text NULL,
                postal_code text NOT NULL,
                country text NOT NULL,
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL
            );
            CREATE INDEX {PlatformMigrations.Index(s, "properties_name")} ON {s.Table("properties")} (name);

            CREATE TABLE {s.Table("units")} (
                unit_id {d.UuidType} PRIMARY KEY,
                property_id {d.UuidType} NOT NULL REFERENCES {s.Table("properties")} (property_id),
                label text NOT NULL,
                bedrooms integer NOT NULL,
                bathrooms {amount} NOT NULL,
                square_feet integer NOT NULL,
                market_rent_amount {amount} NOT NULL,
                market_rent_currency text NOT NULL,
                status text NOT NULL,
                lease_id {d.UuidType} NULL,
                created_at bigint NOT NULL,
                UNIQUE (property_id, label)
            );

            CREATE TABLE {s.Table("leases")} (
                lease_id {d.UuidType} PRIMARY KEY,
                property_id {d.UuidType} NOT NULL,
                unit_id {d.UuidType} NOT NULL,
                tenant_id {d.UuidType} NULL,
                tenant_name text NULL,
                tenant_email text NULL,
                monthly_rent_amount {amount} NULL,
                monthly_rent_currency text NULL,
                security_deposit_amount {amount} NULL,
                security_deposit_currency text NULL,
                lease_start text NULL,
                lease_end text NULL,
                state text NOT NULL,
                last_sequence integer NOT NULL,
                submitted_at bigint NULL,
                updated_at bigint NOT NULL
            );
            CREATE INDEX {PlatformMigrations.Index(s, "leases_state")} ON {s.Table("leases")} (state);
            CREATE INDEX {PlatformMigrations.Index(s, "leases_property")} ON {s.Table("leases")} (property_id);
            CREATE INDEX {PlatformMigrations.Index(s, "leases_unit")} ON {s.Table("leases")} (unit_id);
            CREATE INDEX {PlatformMigrations.Index(s, "leases_tenant")} ON {s.Table("leases")} (tenant_id);

            CREATE TABLE {s.Table("lease_timeline")} (
                lease_id {d.UuidType} NOT NULL,
                sequence integer NOT NULL,
                state text NOT NULL,
                step text NOT NULL,
                occurred_at bigint NOT NULL,
                detail text NULL,
                PRIMARY KEY (lease_id, sequence)
            );

            CREATE TABLE {s.Table("tenants")} (
                tenant_id {d.UuidType} PRIMARY KEY,
                name text NOT NULL,
                email text NULL,
                current_lease_id {d.UuidType} NULL,
                status text NOT NULL,
                created_at bigint NOT NULL,
                updated_at bigint NOT NULL
            );
            CREATE INDEX {PlatformMigrations.Index(s, "tenants_email")} ON {s.Table("tenants")} (lower(email));

            CREATE TABLE {s.Table("idempotency_keys")} (
                scope text NOT NULL,
                idempotency_key text NOT NULL,
                request_hash text NOT NULL,
                lease_id {d.UuidType} NOT NULL,
                created_at bigint NOT NULL,
                PRIMARY KEY (scope, idempotency_key)
            );
            CREATE INDEX {PlatformMigrations.Index(s, "idempotency_keys_created")} ON {s.Table("idempotency_keys")} (created_at);
            """;
    });

    /// <summary>
    /// One tenant per email address and one unit per label in a property, regardless of letter case: <c>email_key</c> and
    /// <c>label_key</c> hold the lower-case form under a unique index. Where earlier rows already share one, the oldest keeps
    /// the key and the others keep their text without it, so nothing is lost and staff can tell them apart.
    /// </summary>
    public static readonly SchemaMigration CaseInsensitiveKeys = new("gateway_portal_0002_case_insensitive_tenant_email_and_unit_label", s => $"""
        ALTER TABLE {s.Table("tenants")} ADD COLUMN email_key text NULL;
        UPDATE {s.Table("tenants")} SET email_key = lower(email)
        WHERE tenant_id IN (
            SELECT first.tenant_id FROM {s.Table("tenants")} first
            WHERE first.email IS NOT NULL AND NOT EXISTS (
                SELECT 1 FROM {s.Table("tenants")} older WHERE lower(older.email) = lower(first.email)
                AND (older.created_at < first.created_at OR (older.created_at = first.created_at AND older.tenant_id < first.tenant_id))));
        CREATE UNIQUE INDEX {PlatformMigrations.Index(s, "tenants_email_key")} ON {s.Table("tenants")} (email_key);

        ALTER TABLE {s.Table("units")} ADD COLUMN label_key text NULL;
        UPDATE {s.Table("units")} SET label_key = lower(label)
        WHERE unit_id IN (
            SELECT first.unit_id FROM {s.Table("units")} first
            WHERE NOT EXISTS (
                SELECT 1 FROM {s.Table("units")} older WHERE older.property_id = first.property_id AND lower(older.label) = lower(first.label)
                AND (older.created_at < first.created_at OR (older.created_at = first.created_at AND older.unit_id < first.unit_id))));
        CREATE UNIQUE INDEX {PlatformMigrations.Index(s, "units_label_key")} ON {s.Table("units")} (property_id, label_key);
        """);
}
