namespace Orchestration.Endpoints.Billing.Reconciliation;

/// <summary>
/// The reconciliation report: one row per run (its range, when it finished, what it compared) and one per difference it
/// found, in the order found. Amounts are minor units (cents) with their currency, as the ledger and the gateway keep
/// them; times are Unix milliseconds (UTC).
/// </summary>
public static class ReconciliationSchema
{
    public static readonly SchemaMigration Reports = new("billing_reconciliation_0001_reports", (s, d) => $"""
        CREATE TABLE {s.Table("reconciliation_runs")} (
            run_id {d.UuidType} PRIMARY KEY,
            range_from bigint NOT NULL,
            range_to bigint NOT NULL,
            requested_at bigint NOT NULL,
            started_at bigint NOT NULL,
            finished_at bigint NULL,
            gateway_payments bigint NULL,
            ledger_payments bigint NULL,
            discrepancy_count bigint NULL
        );

        CREATE TABLE {s.Table("reconciliation_discrepancies")} (
            run_id {d.UuidType} NOT NULL,
            position integer NOT NULL,
            kind text NOT NULL,
            payment_intent_id text NULL,
            charge_id {d.UuidType} NULL,
            lease_id {d.UuidType} NULL,
            ledger_entry_id {d.UuidType} NULL,
            gateway_amount bigint NULL,
            gateway_currency text NULL,
            ledger_amount bigint NULL,
            ledger_currency text NULL,
            PRIMARY KEY (run_id, position)
        );
        """);

    /// <summary>
    /// The payment webhook events that moved nothing (one row per event, kept as they arrive) for the report's unmatched
    /// events, and the columns a reported event needs.
    /// </summary>
    public static readonly SchemaMigration EventDiscrepancies = new("billing_reconciliation_0002_event_discrepancies", s => $"""
        CREATE TABLE {s.Table("payment_event_discrepancies")} (
            event_id text PRIMARY KEY,
            event_type text NOT NULL,
            kind text NOT NULL,
            reason text NOT NULL,
            payment_intent_id text NOT NULL,
            lease_id {s.Dialect.UuidType} NULL,
            amount bigint NOT NULL,
            currency text NOT NULL,
            occurred_at bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "payment_event_discrepancies_occurred")} ON {s.Table("payment_event_discrepancies")} (occurred_at);
        ALTER TABLE {s.Table("reconciliation_discrepancies")} ADD COLUMN provider_event_id text NULL;
        ALTER TABLE {s.Table("reconciliation_discrepancies")} ADD COLUMN reason text NULL;
        """);
}
