namespace Orchestration.Endpoints.Leasing;

/// <summary>
/// The tables Leasing owns in its schema, one row per lease (or per unit) so that every command is idempotent on
/// business keys as well as on message ids. Times are Unix milliseconds (UTC), as in the platform's tables.
/// </summary>
public static class LeasingMigrations
{
    public static readonly SchemaMigration Tables = new("leasing_0001_screenings_documents_envelopes_unit_holds", (s, d) => $"""
        CREATE TABLE {s.Table("screenings")} (
            lease_id {d.UuidType} PRIMARY KEY,
            screening_id text NOT NULL,
            requested_at bigint NOT NULL
        );

        CREATE TABLE {s.Table("lease_documents")} (
            document_id {d.UuidType} PRIMARY KEY,
            lease_id {d.UuidType} NOT NULL UNIQUE,
            name text NOT NULL,
            content text NOT NULL,
            prepared_at bigint NOT NULL
        );

        CREATE TABLE {s.Table("envelopes")} (
            lease_id {d.UuidType} PRIMARY KEY,
            envelope_id text NULL UNIQUE,
            signing_url text NULL,
            created_at bigint NULL,
            countersigned_at bigint NULL,
            voided_at bigint NULL,
            void_reason text NULL
        );

        CREATE TABLE {s.Table("unit_holds")} (
            unit_id {d.UuidType} PRIMARY KEY,
            property_id {d.UuidType} NOT NULL,
            lease_id {d.UuidType} NOT NULL,
            held_at bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "unit_holds_lease")} ON {s.Table("unit_holds")} (lease_id);
        """);
}
