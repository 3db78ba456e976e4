namespace Orchestration.Endpoints.Notifications;

/// <summary>
/// The tables Notifications owns in its schema. <c>deliveries</c> holds one row per email ever claimed for sending, keyed
/// by the command's deduplication key; <c>pickup</c> holds the emails the Pickup provider "sent". Times are Unix milliseconds
/// (UTC), as in the platform's tables.
/// </summary>
public static class NotificationsMigrations
{
    public static readonly SchemaMigration Deliveries = new("notifications_0001_deliveries_and_pickup", (s, d) => $"""
        CREATE TABLE {s.Table("deliveries")} (
            deduplication_key text PRIMARY KEY,
            lease_id {d.UuidType} NOT NULL,
            email text NOT NULL,
            message_id text NOT NULL,
            provider text NOT NULL,
            provider_message_id text NULL,
            incoming_message_id {d.UuidType} NULL,
            sent_at bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "deliveries_lease")} ON {s.Table("deliveries")} (lease_id);

        CREATE TABLE {s.Table("pickup")} (
            id {d.IdentityColumn},
            message_id text NOT NULL UNIQUE,
            deduplication_key text NOT NULL,
            lease_id {d.UuidType} NOT NULL,
            email text NOT NULL,
            from_address text NOT NULL,
            to_address text NOT NULL,
            to_name text NOT NULL,
            subject text NOT NULL,
            text_body text NOT NULL,
            html_body text NOT NULL,
            stored_at bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "pickup_lease")} ON {s.Table("pickup")} (lease_id, id);
        """);

    /// <summary>
    /// <c>accepted_at</c>: when the provider accepted the email. A row is now written (claimed, <c>sent_at</c>) before the
    /// provider is called, and completed with this once it has answered; rows from before were written after the send.
    /// </summary>
    public static readonly SchemaMigration Acceptance = new("notifications_0002_delivery_acceptance", s => $"""
        ALTER TABLE {s.Table("deliveries")} ADD COLUMN accepted_at bigint NULL;
        UPDATE {s.Table("deliveries")} SET accepted_at = sent_at;
        """);

    /// <summary>
    /// <c>claimed_by</c>: the process that claimed the email (its <see cref="EmailsInFlight.Process"/>), so that process can
    /// tell an attempt of its own that ended from another process's attempt that may still be sending. Earlier rows have none.
    /// </summary>
    public static readonly SchemaMigration ClaimOwner = new("notifications_0003_delivery_claim_owner", s => $"""
        ALTER TABLE {s.Table("deliveries")} ADD COLUMN claimed_by text NULL;
        """);
}
