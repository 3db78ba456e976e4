namespace Orchestration.Platform.Storage;

/// <summary>
/// The tables every endpoint schema has: inbox (duplicate detection), outbox (messages awaiting the broker),
/// the bus outbox's per-transaction state, and scheduled messages. Times are Unix milliseconds (UTC) in both
/// dialects, so comparisons and ordering never depend on an engine's date handling.
/// </summary>
public static class PlatformMigrations
{
    public static readonly SchemaMigration Messaging = new("0001_platform_messaging", (s, d) => $"""
        CREATE TABLE {s.Table("inbox_state")} (
            message_id {d.UuidType} NOT NULL,
            consumer_id {d.UuidType} NOT NULL,
            received bigint NOT NULL,
            receive_count integer NOT NULL,
            consumed bigint NULL,
            delivered bigint NULL,
            PRIMARY KEY (message_id, consumer_id)
        );
        CREATE INDEX {Index(s, "inbox_state_delivered")} ON {s.Table("inbox_state")} (delivered);
        CREATE INDEX {Index(s, "inbox_state_pending")} ON {s.Table("inbox_state")} (consumed) WHERE delivered IS NULL;

        CREATE TABLE {s.Table("outbox_state")} (
            outbox_id {d.UuidType} PRIMARY KEY,
            created bigint NOT NULL
        );
        CREATE INDEX {Index(s, "outbox_state_created")} ON {s.Table("outbox_state")} (created);

        CREATE TABLE {s.Table("outbox_message")} (
            sequence_number {d.IdentityColumn},
            inbox_message_id {d.UuidType} NULL,
            inbox_consumer_id {d.UuidType} NULL,
            outbox_id {d.UuidType} NULL,
            {MessageColumns(d)}
        );
        CREATE INDEX {Index(s, "outbox_message_inbox")} ON {s.Table("outbox_message")} (inbox_message_id, inbox_consumer_id, sequence_number);
        CREATE INDEX {Index(s, "outbox_message_outbox")} ON {s.Table("outbox_message")} (outbox_id, sequence_number);

        CREATE TABLE {s.Table("scheduled_message")} (
            token_id {d.UuidType} PRIMARY KEY,
            due_at bigint NULL,
            closed_at bigint NULL,
            scheduled_at bigint NOT NULL,
            {MessageColumns(d).Replace("NOT NULL", "NULL", StringComparison.Ordinal)}
        );
        CREATE INDEX {Index(s, "scheduled_message_due")} ON {s.Table("scheduled_message")} (due_at) WHERE closed_at IS NULL;
        """);

    /// <summary>
    /// Per-row delivery bookkeeping, so a row that cannot be sent steps aside instead of blocking the rows behind it:
    /// failed attempts, the last error, when to try again, and when it was parked (no more automatic attempts).
    /// On the inbox it concerns the undelivered output of a consumed message, which the sweeper delivers.
    /// </summary>
    public static readonly SchemaMigration DeliveryAttempts = new("0002_platform_delivery_attempts", s =>
        string.Concat(new[] { "outbox_state", "inbox_state", "scheduled_message" }.Select(table => $"""
            ALTER TABLE {s.Table(table)} ADD COLUMN attempts integer NOT NULL DEFAULT 0;
            ALTER TABLE {s.Table(table)} ADD COLUMN next_attempt_at bigint NULL;
            ALTER TABLE {s.Table(table)} ADD COLUMN last_error text NULL;
            ALTER TABLE {s.Table(table)} ADD COLUMN parked_at bigint NULL;

            """)) + $"""
            CREATE INDEX {Index(s, "scheduled_message_retry")} ON {s.Table("scheduled_message")} (next_attempt_at)
                WHERE closed_at IS NULL AND next_attempt_at IS NOT NULL;
            """);

    /// <summary>Every platform migration, in the order they apply.</summary>
    public static readonly IReadOnlyList<SchemaMigration> All = [Messaging, DeliveryAttempts];

    /// <summary>The columns of a stored message, shared by the outbox and the scheduler (<see cref="Outbox.StoredMessage"/>).</summary>
    static string MessageColumns(SqlDialect d) => $"""
        message_id {d.UuidType} NOT NULL,
                        content_type text NOT NULL,
                        message_type text NOT NULL,
                        body text NOT NULL,
                        headers text NULL,
                        properties text NULL,
                        conversation_id {d.UuidType} NULL,
                        correlation_id {d.UuidType} NULL,
                        initiator_id {d.UuidType} NULL,
                        request_id {d.UuidType} NULL,
                        source_address text NULL,
                        destination_address text NOT NULL,
                        response_address text NULL,
                        fault_address text NULL,
                        sent_time bigint NOT NULL,
                        expiration_time bigint NULL
        """;

    // PostgreSQL scopes index names to the schema; SQLite needs them unique in the file.
    public static string Index(SqlStorage storage, string name) =>
        storage.Dialect is SqliteDialect ? $"\"{storage.Schema}_{name}\"" : $"\"{name}\"";
}
