using Dapper;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// The SQL of <c>Idempotency-Key</c>s: which lease a staff member's key created, and a fingerprint of the request that
/// used it, kept for <see cref="GatewayApiOptions.IdempotencyKeyRetention"/>. Every method runs on the caller's
/// <see cref="SqlSession"/>, so a key is claimed in the same transaction as the lease it creates.
/// </summary>
public sealed class IdempotencyKeys(SqlStorage storage)
{
    public const string Header = "Idempotency-Key";
    public const int MaxLength = 200;

    readonly string _idempotencyKeys = storage.Table("idempotency_keys");

    /// <summary>1 to <see cref="MaxLength"/> printable ASCII characters, no spaces (as a UUID or a token is written).</summary>
    public static bool IsWellFormed(string key) => key.Length is > 0 and <= MaxLength && key.All(c => c is > ' ' and <= '~');

    /// <summary>
    /// Remembers which lease the key created, unless the key is already taken; false then. A second request with the
    /// same key waits here until the first one's transaction ends, and then finds its row.
    /// </summary>
    public async Task<bool> ClaimAsync(SqlSession session, string scope, string key, string requestHash, Guid leaseId, DateTimeOffset now,
        CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_idempotencyKeys} (scope, idempotency_key, request_hash, lease_id, created_at)
            VALUES (@scope, @key, @requestHash, @leaseId, @now)
            ON CONFLICT (scope, idempotency_key) DO NOTHING
            """, new { scope, key, requestHash, leaseId, now }, cancellationToken)) == 1;

    public async Task<(string RequestHash, Guid LeaseId)?> FindAsync(SqlSession session, string scope, string key,
        CancellationToken cancellationToken)
    {
        var found = await session.Connection.QueryAsync<(string RequestHash, Guid LeaseId)>(session.Command($"""
            SELECT request_hash, lease_id FROM {_idempotencyKeys} WHERE scope = @scope AND idempotency_key = @key
            """, new { scope, key }, cancellationToken));
        return found.Any() ? found.Single() : null;
    }

    /// <summary>Forgets keys older than <paramref name="before"/>; a retry after that long is a new request.</summary>
    public Task<int> ForgetAsync(SqlSession session, DateTimeOffset before, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"DELETE FROM {_idempotencyKeys} WHERE created_at < @before", new { before },
            cancellationToken));
}
