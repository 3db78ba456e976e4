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

    /// <summary>
    /// The device registry, what devices sent (one row per message id, for deduplication), what was moved aside, the
    /// alarm each device has open (one work order per device and alarm) and the commands sent to locks until acknowledged.
    /// </summary>
    public static readonly SchemaMigration Registry = new("devices_0002_registry", (s, d) => $"""
        CREATE TABLE {s.Table("devices")} (
            device_id {d.UuidType} PRIMARY KEY,
            kind text NOT NULL,
            property_id {d.UuidType} NOT NULL,
            unit_id {d.UuidType} NOT NULL,
            service_area text NOT NULL,
            credential_hash text NOT NULL,
            registered_at bigint NOT NULL,
            last_seen_at bigint NULL,
            battery_percent integer NULL,
            last_sequence bigint NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "devices_unit")} ON {s.Table("devices")} (unit_id, kind);
        CREATE TABLE {s.Table("device_messages")} (
            device_id {d.UuidType} NOT NULL,
            message_id text NOT NULL,
            received_at bigint NOT NULL,
            PRIMARY KEY (device_id, message_id)
        );
        CREATE TABLE {s.Table("quarantined_payloads")} (
            quarantine_id {d.UuidType} PRIMARY KEY,
            received_at bigint NOT NULL,
            topic text NOT NULL,
            device_id {d.UuidType} NULL,
            reason text NOT NULL,
            payload_bytes integer NOT NULL,
            payload_head text NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "quarantined_payloads_received")} ON {s.Table("quarantined_payloads")} (received_at);
        CREATE TABLE {s.Table("device_alarms")} (
            device_id {d.UuidType} NOT NULL,
            alarm text NOT NULL,
            work_order_id {d.UuidType} NOT NULL UNIQUE,
            raised_at bigint NOT NULL,
            PRIMARY KEY (device_id, alarm)
        );
        CREATE TABLE {s.Table("lock_commands")} (
            command_id {d.UuidType} PRIMARY KEY,
            device_id {d.UuidType} NOT NULL,
            command text NOT NULL,
            lease_id {d.UuidType} NULL,
            work_order_id {d.UuidType} NULL,
            access_code_id {d.UuidType} NOT NULL,
            valid_from text NULL,
            valid_until text NULL,
            code_hash text NULL,
            attempts integer NOT NULL,
            next_attempt_at bigint NULL,
            acknowledged_at bigint NULL,
            escalated_at bigint NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "lock_commands_due")} ON {s.Table("lock_commands")} (next_attempt_at);
        """);

    /// <summary>Lets <see cref="Registry.DeviceEventRetention"/> find old device messages without reading the whole table.</summary>
    public static readonly SchemaMigration Retention = new("devices_0003_retention", (s, _) => $"""
        CREATE INDEX {PlatformMigrations.Index(s, "device_messages_received")} ON {s.Table("device_messages")} (received_at);
        """);

    /// <summary>Which quarantined payloads <see cref="Registry.QuarantineAnnouncer"/> has announced (null: not yet).</summary>
    public static readonly SchemaMigration QuarantineAnnounced = new("devices_0004_quarantine_announced", (s, _) => $"""
        ALTER TABLE {s.Table("quarantined_payloads")} ADD COLUMN announced_at bigint NULL;
        CREATE INDEX {PlatformMigrations.Index(s, "quarantined_payloads_announced")} ON {s.Table("quarantined_payloads")} (announced_at);
        """);

    /// <summary>The leases of units, from their activation, until <see cref="Thermostats.VacancySweep"/> has set the unit's thermostat to vacancy mode.</summary>
    public static readonly SchemaMigration LeaseTerms = new("devices_0005_lease_terms", (s, d) => $"""
        CREATE TABLE {s.Table("lease_terms")} (
            lease_id {d.UuidType} PRIMARY KEY,
            property_id {d.UuidType} NOT NULL,
            unit_id {d.UuidType} NOT NULL,
            lease_end text NOT NULL,
            vacancy_set_at bigint NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "lease_terms_end")} ON {s.Table("lease_terms")} (lease_end);
        """);

    /// <summary>
    /// The sequence of each accepted device message, claimed once per device: a message that arrives after a newer one
    /// (instances handle a device's messages side by side) is accepted once, another message with that sequence is a replay.
    /// </summary>
    public static readonly SchemaMigration MessageSequences = new("devices_0006_message_sequences", (s, _) => $"""
        ALTER TABLE {s.Table("device_messages")} ADD COLUMN sequence bigint NULL;
        CREATE UNIQUE INDEX {PlatformMigrations.Index(s, "device_messages_sequence")} ON {s.Table("device_messages")} (device_id, sequence);
        """);
}
