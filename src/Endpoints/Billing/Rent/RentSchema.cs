namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>
/// What rent runs need: the active leases and their terms (<c>billing_leases</c>, fed by <c>LeaseActivated</c>), the runs,
/// and one row per posted charge (<c>rent_charges</c>, keyed by the charge id that derives from lease and period, so a
/// lease is charged once per period). A charge keeps the late-fee policy in force when it was posted. Amounts in minor
/// units, days as ISO dates (text, which orders as dates), times as Unix milliseconds.
/// </summary>
public static class RentSchema
{
    public static string Create(SqlStorage s, SqlDialect d) => $"""
        CREATE TABLE {s.Table("billing_leases")} (
            lease_id {d.UuidType} PRIMARY KEY,
            property_id {d.UuidType} NOT NULL,
            tenant_id {d.UuidType} NOT NULL,
            rent_amount bigint NOT NULL,
            currency text NOT NULL,
            lease_start text NOT NULL,
            lease_end text NOT NULL,
            autopay integer NOT NULL,
            activated_at bigint NOT NULL,
            autopay_off_at bigint NULL
        );

        CREATE TABLE {s.Table("rent_runs")} (
            run_id {d.UuidType} PRIMARY KEY,
            period text NOT NULL,
            requested_at bigint NOT NULL,
            leases bigint NOT NULL,
            posted bigint NOT NULL,
            finished_at bigint NULL
        );

        CREATE TABLE {s.Table("rent_charges")} (
            charge_id {d.UuidType} PRIMARY KEY,
            run_id {d.UuidType} NOT NULL,
            lease_id {d.UuidType} NOT NULL,
            period text NOT NULL,
            amount bigint NOT NULL,
            currency text NOT NULL,
            due_on text NOT NULL,
            late_fee_policy text NOT NULL,
            state text NOT NULL,
            outstanding bigint NOT NULL,
            updated_at bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "rent_charges_run")} ON {s.Table("rent_charges")} (run_id);
        CREATE INDEX {PlatformMigrations.Index(s, "rent_charges_lease")} ON {s.Table("rent_charges")} (lease_id);
        """;

    /// <summary>
    /// The gateway's payments of rent charges, one row per payment intent, written by the gateway's own events: when it
    /// succeeded, failed or was returned (the event's time, so a late delivery of an older event is told apart), and the
    /// refunded total so far. Disputes and refunds carry no rent metadata of their own and are found through it; the
    /// returned payments of a lease are counted in it.
    /// </summary>
    public static readonly SchemaMigration Payments = new("billing_rent_0001_payments", (s, d) => $"""
        CREATE TABLE {s.Table("rent_payments")} (
            intent_id text PRIMARY KEY,
            charge_id {d.UuidType} NOT NULL,
            lease_id {d.UuidType} NOT NULL,
            amount bigint NOT NULL,
            currency text NOT NULL,
            succeeded_at bigint NULL,
            failed_at bigint NULL,
            returned_at bigint NULL,
            refunded bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "rent_payments_lease")} ON {s.Table("rent_payments")} (lease_id);
        """);

    /// <summary>The tenant's name and email for rent notices (null for a lease activated before they were carried).</summary>
    public static readonly SchemaMigration TenantContact = new("billing_rent_0002_tenant_contact", s => $"""
        ALTER TABLE {s.Table("billing_leases")} ADD COLUMN tenant_name text NULL;
        ALTER TABLE {s.Table("billing_leases")} ADD COLUMN tenant_email text NULL;
        """);

    /// <summary>
    /// The late-fee policies set for a property or a lease, one row per setting (a later setting of the same scope
    /// replaces an earlier one for charges posted after it); the company's is the configured default.
    /// </summary>
    public static readonly SchemaMigration LateFeePolicies = new("billing_rent_0003_late_fee_policies", (s, d) => $"""
        CREATE TABLE {s.Table("late_fee_policies")} (
            setting_id {d.UuidType} PRIMARY KEY,
            scope text NOT NULL,
            scope_id {d.UuidType} NOT NULL,
            effective_from bigint NOT NULL,
            policy text NOT NULL
        );
        """);

    /// <summary>
    /// Each lease's rent settings (whether it takes full payments only; partial payments are taken when it has no row),
    /// and the payments refused under them, which move no charge.
    /// </summary>
    public static readonly SchemaMigration RentSettings = new("billing_rent_0004_rent_settings", (s, d) => $"""
        CREATE TABLE {s.Table("lease_rent_settings")} (
            lease_id {d.UuidType} PRIMARY KEY,
            full_payment_only integer NOT NULL,
            set_at bigint NOT NULL
        );
        ALTER TABLE {s.Table("rent_payments")} ADD COLUMN refused_at bigint NULL;
        """);

    /// <summary>
    /// What each lease charges every month besides the rent (parking, a pet fee...), one row per line in the order the
    /// lease lists them, in the rent's currency; written once from <c>LeaseActivated</c>.
    /// </summary>
    public static readonly SchemaMigration RecurringCharges = new("billing_rent_0005_recurring_charges", (s, d) => $"""
        CREATE TABLE {s.Table("lease_recurring_charges")} (
            lease_id {d.UuidType} NOT NULL,
            line integer NOT NULL,
            kind text NOT NULL,
            description text NULL,
            amount bigint NOT NULL,
            currency text NOT NULL,
            PRIMARY KEY (lease_id, line)
        );
        """);
}
