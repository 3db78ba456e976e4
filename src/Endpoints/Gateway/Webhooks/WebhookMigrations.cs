namespace Orchestration.Endpoints.Gateway.Webhooks;

/// <summary>
/// The webhook receivers' table in the Gateway schema. <c>webhook_receipts</c> holds every webhook delivery accepted, once
/// per provider event id, with its raw body; a redelivery finds its row and causes nothing. Times are Unix milliseconds (UTC).
/// </summary>
public static class WebhookMigrations
{
    public static readonly SchemaMigration WebhookReceipts = new("gateway_0001_webhook_receipts", s => $"""
        CREATE TABLE {s.Table("webhook_receipts")} (
            provider text NOT NULL,
            event_id text NOT NULL,
            type text NOT NULL,
            received_at bigint NOT NULL,
            payload text NOT NULL,
            PRIMARY KEY (provider, event_id)
        );
        """);

    /// <summary>Lets <see cref="WebhookReceiptCleanup"/> find expired receipts without reading the whole table.</summary>
    public static readonly SchemaMigration WebhookReceiptsReceivedAt = new("gateway_0002_webhook_receipts_received_at", s => $"""
        CREATE INDEX {PlatformMigrations.Index(s, "webhook_receipts_received_at")} ON {s.Table("webhook_receipts")} (received_at);
        """);
}
