namespace Orchestration.Endpoints.Billing;

/// <summary>
/// The tables Billing owns in its schema, keyed by the saga's idempotency keys so that every command is idempotent on
/// business keys as well as on message ids. Amounts are in minor units; times are Unix milliseconds (UTC).
/// </summary>
public static class BillingMigrations
{
    public static readonly SchemaMigration Tables = new("billing_0001_payments_refunds", (s, d) => $"""
        CREATE TABLE {s.Table("payments")} (
            idempotency_key text PRIMARY KEY,
            lease_id {d.UuidType} NOT NULL,
            payment_intent_id text NULL UNIQUE,
            amount bigint NULL,
            currency text NULL,
            intent_status text NULL,
            failure_code text NULL,
            requested_at bigint NULL,
            cancelled_at bigint NULL,
            cancel_reason text NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "payments_lease")} ON {s.Table("payments")} (lease_id);

        CREATE TABLE {s.Table("refunds")} (
            idempotency_key text PRIMARY KEY,
            lease_id {d.UuidType} NOT NULL,
            payment_intent_id text NOT NULL,
            refund_id text NOT NULL UNIQUE,
            amount bigint NOT NULL,
            refund_status text NOT NULL,
            reason text NOT NULL,
            refunded_at bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "refunds_lease")} ON {s.Table("refunds")} (lease_id);
        """);

    /// <summary>
    /// How a cancelled request ended at the gateway: <c>cancel_outcome</c> is one of <see cref="CancelOutcomes"/>, and
    /// <c>intent_canceled_at</c> is when the gateway cancelled the intent. <c>intent_status</c> follows the intent to
    /// <c>canceled</c> or <c>succeeded</c>. Null while the request is not cancelled or its payment is still settling.
    /// </summary>
    public static readonly SchemaMigration Cancellations = new("billing_0002_payment_cancellations", s => $"""
        ALTER TABLE {s.Table("payments")} ADD COLUMN cancel_outcome text NULL;
        ALTER TABLE {s.Table("payments")} ADD COLUMN intent_canceled_at bigint NULL;
        """);

    /// <summary>
    /// <c>payment_page_url</c>: the gateway's hosted page where the tenant pays the intent with another card, keyed by the
    /// intent's client secret; a capability link, so it is sent to the tenant only and never logged.
    /// </summary>
    public static readonly SchemaMigration PaymentPages = new("billing_0003_payment_pages", s => $"""
        ALTER TABLE {s.Table("payments")} ADD COLUMN payment_page_url text NULL;
        """);

    /// <summary>The append-only lease ledger (<see cref="Ledger.LedgerSchema"/>).</summary>
    public static readonly SchemaMigration LedgerEntries = new("billing_0004_ledger_entries", Ledger.LedgerSchema.Create);

    /// <summary>Rent runs: active leases, runs and charges (<see cref="Rent.RentSchema"/>).</summary>
    public static readonly SchemaMigration RentCharges = new("billing_0005_rent_charges", Rent.RentSchema.Create);

    /// <summary>
    /// <c>charge_started_at</c>: when a charge of the request was about to go to the gateway, committed before the call
    /// so that a cancellation handled while the gateway answers knows a charge is under way and leaves withdrawing it to
    /// that charge, which hands the cancellation its intent once recorded. Null while no charge was started.
    /// </summary>
    public static readonly SchemaMigration ChargeClaims = new("billing_0006_charge_claims", s => $"""
        ALTER TABLE {s.Table("payments")} ADD COLUMN charge_started_at bigint NULL;
        """);

    /// <summary>
    /// The request's two lines, in minor units (<c>security_deposit</c>, <c>first_month_rent</c>), and <c>due_on</c>
    /// ("YYYY-MM-DD", the lease's first day), so that its payment posts the deposit held and the first month's rent paid
    /// to the lease's ledger. Null for a row a cancellation created before its request arrived.
    /// </summary>
    public static readonly SchemaMigration MoveInLines = new("billing_0007_move_in_lines", s => $"""
        ALTER TABLE {s.Table("payments")} ADD COLUMN security_deposit bigint NULL;
        ALTER TABLE {s.Table("payments")} ADD COLUMN first_month_rent bigint NULL;
        ALTER TABLE {s.Table("payments")} ADD COLUMN due_on text NULL;
        """);
}
