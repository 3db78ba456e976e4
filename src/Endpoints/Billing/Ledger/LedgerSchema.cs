namespace Orchestration.Endpoints.Billing.Ledger;

/// <summary>
/// The lease ledger's table. Amounts are in minor units (cents) with their currency, so a balance is an exact integer
/// sum on both engines (SQLite has no exact decimal type); times are Unix milliseconds (UTC). <c>position</c> orders entries of the same moment as they were written.
/// Nothing is ever changed or removed: a trigger refuses every UPDATE and DELETE (and, on PostgreSQL, TRUNCATE), so a
/// correction can only be a new entry, whatever code or person reaches the database.
/// </summary>
public static class LedgerSchema
{
    /// <summary>The message of the refusal, on both engines.</summary>
    public const string AppendOnly = "ledger entries are append-only";

    public static string Create(SqlStorage s, SqlDialect d)
    {
        var table = s.Table("ledger_entries");
        var tableSql = $"""
            CREATE TABLE {table} (
                position {d.IdentityColumn},
                entry_id {d.UuidType} NOT NULL UNIQUE,
                lease_id {d.UuidType} NOT NULL,
                kind text NOT NULL,
                amount bigint NOT NULL,
                currency text NOT NULL,
                charge_id {d.UuidType} NULL,
                reverses_entry_id {d.UuidType} NULL,
                occurred_at bigint NOT NULL,
                recorded_at bigint NOT NULL
            );
            CREATE INDEX {PlatformMigrations.Index(s, "ledger_entries_lease")} ON {table} (lease_id, occurred_at);
            """;

        return d is PostgresDialect ? tableSql + $"""

            CREATE FUNCTION "{s.Schema}".ledger_entries_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{AppendOnly}: % refused', TG_OP USING ERRCODE = 'restrict_violation';
            END
            $$;
            CREATE TRIGGER ledger_entries_append_only BEFORE UPDATE OR DELETE ON {table}
                FOR EACH ROW EXECUTE FUNCTION "{s.Schema}".ledger_entries_refuse_change();
            CREATE TRIGGER ledger_entries_no_truncate BEFORE TRUNCATE ON {table}
                FOR EACH STATEMENT EXECUTE FUNCTION "{s.Schema}".ledger_entries_refuse_change();
            """ : tableSql + $"""

            CREATE TRIGGER {PlatformMigrations.Index(s, "ledger_entries_no_update")} BEFORE UPDATE ON {table}
            BEGIN
                SELECT RAISE(ABORT, '{AppendOnly}: UPDATE refused');
            END;
            CREATE TRIGGER {PlatformMigrations.Index(s, "ledger_entries_no_delete")} BEFORE DELETE ON {table}
            BEGIN
                SELECT RAISE(ABORT, '{AppendOnly}: DELETE refused');
            END;
            """;
    }
}
