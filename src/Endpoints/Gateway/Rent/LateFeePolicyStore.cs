using System.Text.Json;
using System.Text.Json.Serialization;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Gateway.Rent;

/// <summary>A property's or a lease's late-fee policy as staff last set it.</summary>
public sealed record LateFeePolicyRecord(LateFeeScope Scope, Guid ScopeId, LateFeePolicy Policy, DateTimeOffset EffectiveFrom);

/// <summary>
/// The late-fee policies staff have set through the API, one row per property or lease, written in the same transaction
/// as the <see cref="SetLateFeePolicy"/> the Gateway sends Billing, so what the API shows is what Billing was told.
/// Billing keeps every setting with its date, which is what applies to a charge.
/// </summary>
public sealed class LateFeePolicyStore(SqlStorage storage)
{
    public static readonly SchemaMigration Tables = new("gateway_rent_0002_late_fee_policies", (s, d) => $"""
        CREATE TABLE {s.Table("late_fee_policy_view")} (
            scope text NOT NULL,
            scope_id {d.UuidType} NOT NULL,
            policy text NOT NULL,
            effective_from bigint NOT NULL,
            PRIMARY KEY (scope, scope_id)
        );
        """);

    static readonly JsonSerializerOptions PolicyJson = new(JsonSerializerDefaults.Web) { Converters = { new JsonStringEnumConverter() } };

    readonly string _policies = storage.Table("late_fee_policy_view");

    public async Task SetAsync(SqlSession session, LateFeePolicyRecord record, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_policies} (scope, scope_id, policy, effective_from) VALUES (@scope, @scope_id, @policy, @from)
            ON CONFLICT (scope, scope_id) DO UPDATE SET policy = @policy, effective_from = @from
            """)
            .With("@scope", record.Scope.ToString()).With("@scope_id", record.ScopeId).With("@policy", JsonSerializer.Serialize(record.Policy, PolicyJson))
            .With("@from", record.EffectiveFrom.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<LateFeePolicyRecord?> FindAsync(SqlSession session, LateFeeScope scope, Guid scopeId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT policy, effective_from FROM {_policies} WHERE scope = @scope AND scope_id = @scope_id")
            .With("@scope", scope.ToString()).With("@scope_id", scopeId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new LateFeePolicyRecord(scope, scopeId, JsonSerializer.Deserialize<LateFeePolicy>(reader.GetString(0), PolicyJson)!,
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)))
            : null;
    }
}
