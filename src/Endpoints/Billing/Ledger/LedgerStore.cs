using System.Data.Common;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Ledger;

/// <summary>
/// The SQL of the lease ledger. Entries are only ever inserted; an entry id seen before inserts nothing, so a redelivered
/// message records its money once. Every method runs on the handler's <see cref="SqlSession"/>.
/// </summary>
public sealed class LedgerStore(SqlStorage storage)
{
    readonly string _entries = storage.Table("ledger_entries");
    readonly string _charges = storage.Table("rent_charges");

    const string Columns = "entry_id, lease_id, kind, amount, currency, charge_id, reverses_entry_id, occurred_at, recorded_at";

    /// <summary>Appends the entry; false when an entry with its id was already there (nothing is written then).</summary>
    public async Task<bool> AppendAsync(SqlSession session, LedgerEntry entry, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_entries} ({Columns})
            VALUES (@entry_id, @lease_id, @kind, @amount, @currency, @charge_id, @reverses, @occurred_at, @recorded_at)
            ON CONFLICT (entry_id) DO NOTHING
            """)
            .With("@entry_id", entry.EntryId).With("@lease_id", entry.LeaseId).With("@kind", entry.Kind.Name())
            .With("@amount", LedgerAmounts.ToMinor(entry.Amount)).With("@currency", entry.Amount.Currency).With("@charge_id", entry.ChargeId)
            .With("@reverses", entry.Reverses).With("@occurred_at", entry.OccurredAt.ToUnixTimeMilliseconds())
            .With("@recorded_at", entry.RecordedAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The lease's entries that occurred up to <paramref name="asOf"/> (all when null), in the order they happened.</summary>
    public async Task<IReadOnlyList<LedgerEntry>> EntriesAsync(SqlSession session, Guid leaseId, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT {Columns} FROM {_entries}
            WHERE lease_id = @lease_id AND occurred_at <= @as_of
            ORDER BY occurred_at, position
            """).With("@lease_id", leaseId).With("@as_of", (asOf ?? DateTimeOffset.MaxValue).ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<LedgerEntry>();
        while (await reader.ReadAsync(cancellationToken))
            entries.Add(Read(reader));
        return entries;
    }

    /// <summary>
    /// The lease's balance on <paramref name="asOf"/> (now when null), summed by the database: one amount per currency the
    /// lease has entries in (none when it has no entries yet). A deposit held for the tenant is not part of it.
    /// </summary>
    public async Task<IReadOnlyList<Money>> BalanceAsync(SqlSession session, Guid leaseId, DateTimeOffset? asOf, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT currency, SUM(amount) FROM {_entries}
            WHERE lease_id = @lease_id AND occurred_at <= @as_of AND kind <> @held
            GROUP BY currency ORDER BY currency
            """).With("@lease_id", leaseId).With("@held", LedgerEntryKind.DepositHeld.Name()).With("@as_of", (asOf ?? DateTimeOffset.MaxValue).ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var balances = new List<Money>();
        while (await reader.ReadAsync(cancellationToken))
            balances.Add(LedgerAmounts.FromMinor(Convert.ToInt64(reader.GetValue(1), System.Globalization.CultureInfo.InvariantCulture), reader.GetString(0)));
        return balances;
    }

    /// <summary>The entries of these ids that exist, by id (asked in batches, each id a parameter).</summary>
    public async Task<IReadOnlyDictionary<Guid, LedgerEntry>> FindAsync(SqlSession session, IReadOnlyCollection<Guid> entryIds,
        CancellationToken cancellationToken)
    {
        var found = new Dictionary<Guid, LedgerEntry>();
        foreach (var batch in entryIds.Distinct().Chunk(200))
        {
            var names = batch.Select((_, i) => $"@id{i}").ToList();
            await using var command = session.CreateCommand($"SELECT {Columns} FROM {_entries} WHERE entry_id IN ({string.Join(", ", names)})");
            for (var i = 0; i < batch.Length; i++)
                command.With(names[i], batch[i]);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var entry = Read(reader);
                found[entry.EntryId] = entry;
            }
        }

        return found;
    }

    /// <summary>
    /// The payment entries of rent charges that occurred in [<paramref name="from"/>, <paramref name="to"/>), of every
    /// lease; the first month's rent paid with the move-in funds is not among them (its intent is not a rent payment).
    /// </summary>
    public async Task<IReadOnlyList<LedgerEntry>> ChargePaymentsAsync(SqlSession session, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT {Columns} FROM {_entries}
            WHERE kind = @kind AND charge_id IS NOT NULL AND occurred_at >= @from AND occurred_at < @to
                AND NOT EXISTS (SELECT 1 FROM {_charges} c WHERE c.charge_id = {_entries}.charge_id AND c.run_id = @move_in)
            ORDER BY occurred_at, position
            """).With("@kind", LedgerEntryKind.Payment.Name()).With("@move_in", RentIds.MoveInCharges).With("@from", from.ToUnixTimeMilliseconds()).With("@to", to.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var entries = new List<LedgerEntry>();
        while (await reader.ReadAsync(cancellationToken))
            entries.Add(Read(reader));
        return entries;
    }

    static LedgerEntry Read(DbDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetGuid(1),
        LedgerEntryKinds.Parse(reader.GetString(2)),
        LedgerAmounts.FromMinor(reader.GetInt64(3), reader.GetString(4)),
        reader.GetNullableGuid(5),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(8)),
        reader.GetNullableGuid(6));
}
