namespace Orchestration.Endpoints.Gateway.Reconciliation;

/// <summary>
/// <c>provider_discrepancies</c>: every signed provider event that moved nothing, keyed by provider and event id so a
/// redelivered event is kept once. Times are Unix milliseconds (UTC); the amount is an exact decimal (text in SQLite).
/// </summary>
public static class DiscrepancyMigrations
{
    public static readonly SchemaMigration Tables = new("gateway_reconciliation_0001_provider_discrepancies", s =>
    {
        var d = s.Dialect;
        var amount = d is SqliteDialect ? "TEXT" : "numeric";
        return $"""
            CREATE TABLE {s.Table("provider_discrepancies")} (
                provider text NOT NULL,
                event_id text NOT NULL,
                event_type text NOT NULL,
                kind text NOT NULL,
                reason text NOT NULL,
                lease_id {d.UuidType} NULL,
                provider_reference text NULL,
                amount {amount} NULL,
                currency text NULL,
                occurred_at bigint NOT NULL,
                recorded_at bigint NOT NULL,
                PRIMARY KEY (provider, event_id)
            );
            CREATE INDEX {PlatformMigrations.Index(s, "provider_discrepancies_recorded")} ON {s.Table("provider_discrepancies")} (recorded_at);
            CREATE INDEX {PlatformMigrations.Index(s, "provider_discrepancies_lease")} ON {s.Table("provider_discrepancies")} (lease_id);
            """;
    });
}
