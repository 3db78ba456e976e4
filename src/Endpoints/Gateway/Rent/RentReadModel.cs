using System.Globalization;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Gateway.Rent;

/// <summary>A rent run's progress as staff see it: its charges counted by the state of their collection.</summary>
public sealed record RentRunView(Guid RentRunId, string? Period, int? Leases, int? Posted, DateTimeOffset? FinishedAt, IReadOnlyDictionary<string, long> Charges);

public sealed record LedgerLineView(Guid EntryId, string Kind, Money Amount, Guid? ChargeId, Guid? Reverses, DateTimeOffset OccurredAt, DateTimeOffset RecordedAt);

/// <summary>
/// The Gateway's copy of rent runs, charge states and lease ledgers, projected from Billing's events: the Gateway reads
/// only its own schema. Amounts in minor units, times as Unix milliseconds.
/// </summary>
public sealed class RentReadModel(SqlStorage storage)
{
    public static readonly SchemaMigration Tables = new("gateway_rent_0001_views", (s, d) => $"""
        CREATE TABLE {s.Table("rent_run_view")} (
            run_id {d.UuidType} PRIMARY KEY,
            period text NOT NULL,
            leases bigint NOT NULL,
            posted bigint NOT NULL,
            finished_at bigint NOT NULL
        );
        CREATE TABLE {s.Table("rent_charge_view")} (
            charge_id {d.UuidType} PRIMARY KEY,
            run_id {d.UuidType} NOT NULL,
            lease_id {d.UuidType} NOT NULL,
            state text NOT NULL,
            outstanding bigint NOT NULL,
            updated_at bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "rent_charge_view_run")} ON {s.Table("rent_charge_view")} (run_id);
        CREATE TABLE {s.Table("ledger_entry_view")} (
            entry_id {d.UuidType} PRIMARY KEY,
            lease_id {d.UuidType} NOT NULL,
            kind text NOT NULL,
            amount bigint NOT NULL,
            currency text NOT NULL,
            charge_id {d.UuidType} NULL,
            reverses_entry_id {d.UuidType} NULL,
            occurred_at bigint NOT NULL,
            recorded_at bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "ledger_entry_view_lease")} ON {s.Table("ledger_entry_view")} (lease_id, occurred_at);
        """);

    readonly string _runs = storage.Table("rent_run_view");
    readonly string _charges = storage.Table("rent_charge_view");
    readonly string _ledger = storage.Table("ledger_entry_view");

    static long Minor(Money money) => decimal.ToInt64(money.Amount * 100m);

    public async Task RunFinishedAsync(SqlSession session, RentRunFinished run, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_runs} (run_id, period, leases, posted, finished_at) VALUES (@run_id, @period, @leases, @posted, @at)
            ON CONFLICT (run_id) DO NOTHING
            """).With("@run_id", run.RentRunId).With("@period", run.Period).With("@leases", run.Leases).With("@posted", run.Posted)
            .With("@at", run.FinishedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The charge's latest state; a report older than the one kept changes nothing.</summary>
    public async Task ChargeMovedAsync(SqlSession session, Guid chargeId, Guid runId, Guid leaseId, string state, Money outstanding, DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_charges} (charge_id, run_id, lease_id, state, outstanding, updated_at) VALUES (@charge_id, @run_id, @lease_id, @state, @outstanding, @at)
            ON CONFLICT (charge_id) DO UPDATE SET state = @state, outstanding = @outstanding, updated_at = @at
            WHERE {_charges}.updated_at < @at
            """).With("@charge_id", chargeId).With("@run_id", runId).With("@lease_id", leaseId).With("@state", state)
            .With("@outstanding", Minor(outstanding)).With("@at", at.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task EntryRecordedAsync(SqlSession session, LedgerEntryRecorded entry, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_ledger} (entry_id, lease_id, kind, amount, currency, charge_id, reverses_entry_id, occurred_at, recorded_at)
            VALUES (@entry_id, @lease_id, @kind, @amount, @currency, @charge_id, @reverses, @occurred_at, @recorded_at)
            ON CONFLICT (entry_id) DO NOTHING
            """).With("@entry_id", entry.EntryId).With("@lease_id", entry.LeaseId).With("@kind", KindName(entry.Kind))
            .With("@amount", Minor(entry.Amount)).With("@currency", entry.Amount.Currency).With("@charge_id", entry.ChargeId)
            .With("@reverses", entry.Reverses).With("@occurred_at", entry.OccurredAt.ToUnixTimeMilliseconds())
            .With("@recorded_at", entry.RecordedAt.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The public spelling of a kind: <c>charge</c>, <c>payment</c>, <c>late_fee</c>, <c>nsf_fee</c>...</summary>
    public static string KindName(LedgerEntryKind kind) =>
        string.Concat(kind.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    public async Task<RentRunView?> FindRunAsync(SqlSession session, Guid runId, CancellationToken cancellationToken)
    {
        var charges = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var states = session.CreateCommand($"SELECT state, COUNT(*) FROM {_charges} WHERE run_id = @run_id GROUP BY state ORDER BY state")
            .With("@run_id", runId))
        {
            await using var rows = await states.ExecuteReaderAsync(cancellationToken);
            while (await rows.ReadAsync(cancellationToken))
                charges[rows.GetString(0)] = Convert.ToInt64(rows.GetValue(1), CultureInfo.InvariantCulture);
        }

        await using var command = session.CreateCommand($"SELECT period, leases, posted, finished_at FROM {_runs} WHERE run_id = @run_id").With("@run_id", runId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
            return new RentRunView(runId, reader.GetString(0), (int)reader.GetInt64(1), (int)reader.GetInt64(2),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)), charges);
        return charges.Count > 0 ? new RentRunView(runId, null, null, null, null, charges) : null;
    }

    /// <summary>The lease's entries up to <paramref name="before"/> (exclusive), oldest first; null when the lease has no entry at all.</summary>
    public async Task<IReadOnlyList<LedgerLineView>?> LedgerAsync(SqlSession session, Guid leaseId, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using (var any = session.CreateCommand($"SELECT COUNT(*) FROM {_ledger} WHERE lease_id = @lease_id").With("@lease_id", leaseId))
        {
            if (Convert.ToInt64(await any.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) == 0)
                return null;
        }

        await using var command = session.CreateCommand($"""
            SELECT entry_id, kind, amount, currency, charge_id, reverses_entry_id, occurred_at, recorded_at FROM {_ledger}
            WHERE lease_id = @lease_id AND occurred_at < @before ORDER BY occurred_at, recorded_at, entry_id
            """).With("@lease_id", leaseId).With("@before", before.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var lines = new List<LedgerLineView>();
        while (await reader.ReadAsync(cancellationToken))
            lines.Add(new LedgerLineView(reader.GetGuid(0), reader.GetString(1), new Money(reader.GetInt64(2) / 100m, reader.GetString(3)),
                reader.GetNullableGuid(4), reader.GetNullableGuid(5), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
        return lines;
    }

    /// <summary>The currency of the lease's ledger (its first entry's).</summary>
    public async Task<string?> CurrencyAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT currency FROM {_ledger} WHERE lease_id = @lease_id ORDER BY occurred_at LIMIT 1")
            .With("@lease_id", leaseId);
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }
}
