namespace Orchestration.Endpoints.Operations.Alerts;

/// <summary><c>alerts</c>: every alert raised, by incident, with when its webhook was delivered. Times are Unix milliseconds (UTC).</summary>
public static class AlertMigrations
{
    public static readonly SchemaMigration Alerts = new("operations_0301_alerts", (s, d) => $"""
        CREATE TABLE {s.Table("alerts")} (
            alert_id {d.UuidType} PRIMARY KEY,
            kind text NOT NULL,
            incident text NOT NULL,
            opens integer NOT NULL,
            subject text NOT NULL,
            body text NOT NULL,
            raised_at bigint NOT NULL,
            webhook_delivered_at bigint NULL,
            webhook_attempts integer NOT NULL DEFAULT 0
        );
        CREATE INDEX {PlatformMigrations.Index(s, "alerts_incident")} ON {s.Table("alerts")} (incident, raised_at);
        CREATE INDEX {PlatformMigrations.Index(s, "alerts_webhook")} ON {s.Table("alerts")} (raised_at) WHERE webhook_delivered_at IS NULL;
        """);
}
