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
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_idempotencyKeys} (scope, idempotency_key, request_hash, lease_id, created_at) VALUES (@scope, @key, @hash, @lease_id, @now)
            ON CONFLICT (scope, idempotency_key) DO NOTHING
            """)
            .With("@scope", scope).With("@key", key).With("@hash", requestHash).With("@lease_id", leaseId).With("@now", now.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<(string RequestHash, Guid LeaseId)?> FindAsync(SqlSession session, string scope, string key,
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT request_hash, lease_id FROM {_idempotencyKeys} WHERE scope = @scope AND idempotency_key = @key
            """).With("@scope", scope).With("@key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetGuid(1)) : null;
    }

    /// <summary>Forgets keys older than <paramref name="before"/>; a retry after that long is a new request.</summary>
    public async Task<int> ForgetAsync(SqlSession session, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"DELETE FROM {_idempotencyKeys} WHERE created_at < @before")
            .With("@before", before.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
