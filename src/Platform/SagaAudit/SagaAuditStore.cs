using System.Text.Json;
using Orchestration.Messages.Operations;

namespace Orchestration.Platform.SagaAudit;

/// <summary>
/// The endpoint's saga steps waiting to be shipped: each is written with the commit of the step it describes (so the
/// audit has exactly the steps that happened), and removed in the transaction that hands it to the bus outbox.
/// </summary>
public sealed class SagaAuditStore(SqlStorage storage)
{
    public static readonly SchemaMigration Migration = new("0003_platform_saga_audit", (s, d) => $"""
        CREATE TABLE {s.Table("saga_audit")} (
            sequence_number {d.IdentityColumn},
            step text NOT NULL
        );
        """);

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    readonly string _table = storage.Table("saga_audit");

    /// <summary>Writes the step with the commit, after the saga's own write.</summary>
    public void Record(SqlSession session, SagaStep step) =>
        session.Defer($"INSERT INTO {_table} (step) VALUES (@step)").With("@step", JsonSerializer.Serialize(step, Json));

    /// <summary>
    /// The oldest steps not yet shipped, removed in <paramref name="session"/>'s transaction; another instance skips the
    /// rows this one holds.
    /// </summary>
    public async Task<List<SagaStep>> TakeAsync(SqlSession session, int limit, CancellationToken cancellationToken)
    {
        var taken = new List<(long Sequence, SagaStep Step)>();
        await using (var select = session.CreateCommand(
            $"SELECT sequence_number, step FROM {_table} ORDER BY sequence_number LIMIT {limit} {storage.Dialect.ForUpdateSkipLocked}"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
                taken.Add((reader.GetInt64(0), JsonSerializer.Deserialize<SagaStep>(reader.GetString(1), Json)!));
        }

        if (taken.Count == 0)
            return [];
        await using var delete = session.CreateCommand(
            $"DELETE FROM {_table} WHERE sequence_number IN ({string.Join(", ", taken.Select((_, i) => $"@s{i}"))})");
        for (var i = 0; i < taken.Count; i++)
            delete.With($"@s{i}", taken[i].Sequence);
        await delete.ExecuteNonQueryAsync(cancellationToken);
        return [.. taken.Select(t => t.Step)];
    }
}
