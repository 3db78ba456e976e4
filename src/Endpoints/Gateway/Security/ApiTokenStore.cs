using System.Security.Cryptography;
using System.Text;
using Dapper;

namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>An API token as listed: everything but the token itself, which is never stored.</summary>
public sealed record ApiToken(
    Guid Id,
    string Name,
    Guid OwnerId,
    string OwnerEmail,
    IReadOnlyList<string> Roles,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? LastUsedAt);

/// <summary>A token just issued, with the one copy of its secret value the caller will ever see.</summary>
public sealed record IssuedApiToken(ApiToken Token, string Value);

public enum TokenRefusal
{
    Malformed,
    Unknown,
    Revoked,
    Expired,
    OwnerDisabled,
}

/// <summary>A presented token: its owner and the roles it grants now, or why it was refused.</summary>
public sealed record TokenCheck(ApiToken? Token, StaffUser? Owner, IReadOnlyList<string> Roles, TokenRefusal? Refusal);

/// <summary>
/// API tokens for automation. A token is <c>orc_</c> followed by 32 random bytes in base64url; only its SHA-256 is
/// stored, so the table cannot be used to sign in. A token grants the roles it was issued with, and only those the
/// owner still holds; it stops working when revoked, when it expires, or when its owner is disabled.
/// </summary>
public sealed class ApiTokenStore(SqlStorage storage, TimeProvider time, ILogger<ApiTokenStore> logger)
{
    public const string Prefix = "orc_";
    static readonly int TokenLength = Prefix.Length + 43;

    // last_used_at is a hint for people reviewing tokens; minute precision spares a write on every request.
    static readonly TimeSpan LastUsedPrecision = TimeSpan.FromMinutes(1);

    readonly string _tokens = storage.Table("api_tokens");
    readonly string _users = storage.Table("users");

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    public async Task<IssuedApiToken> IssueAsync(StaffUser owner, string name, IEnumerable<string> roles, DateTimeOffset? expiresAt,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var value = Prefix + System.Buffers.Text.Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var token = new ApiToken(Guid.CreateVersion7(now), name.Trim(), owner.Id, owner.Email, StaffRoles.Normalize(roles),
            Truncate(now), expiresAt is { } e ? Truncate(e) : null, null, null);

        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO {_tokens} (id, token_hash, name, user_id, roles, created_at, expires_at, revoked_at, last_used_at)
            VALUES (@id, @hash, @name, @userId, @roles, @createdAt, @expiresAt, NULL, NULL)
            """, new
            {
                id = token.Id, hash = Hash(value), name = token.Name, userId = owner.Id, roles = StaffRoles.Format(token.Roles),
                createdAt = token.CreatedAt, expiresAt = token.ExpiresAt,
            }, cancellationToken: cancellationToken));

        logger.LogInformation("Issued API token {TokenId} to staff user {UserId} with roles {Roles}", token.Id, owner.Id, token.Roles);
        return new IssuedApiToken(token, value);
    }

    /// <summary>Every token, newest first; only <paramref name="ownerId"/>'s when given.</summary>
    public async Task<IReadOnlyList<ApiToken>> ListAsync(Guid? ownerId, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<TokenRow>(new CommandDefinition($"""
            SELECT {TokenColumns} FROM {_tokens} t JOIN {_users} u ON u.id = t.user_id
            {(ownerId is null ? "" : "WHERE t.user_id = @ownerId")}
            ORDER BY t.created_at DESC, t.id DESC
            """, new { ownerId }, cancellationToken: cancellationToken));
        return [.. rows.Select(row => row.Token)];
    }

    /// <summary>Revokes the token (again, harmlessly, if it already was); false when it does not exist or, given <paramref name="ownerId"/>, is not theirs.</summary>
    public async Task<bool> RevokeAsync(Guid id, Guid? ownerId, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition($"""
            UPDATE {_tokens} SET revoked_at = COALESCE(revoked_at, @now)
            WHERE id = @id {(ownerId is null ? "" : "AND user_id = @ownerId")}
            """, new { now = time.GetUtcNow(), id, ownerId }, cancellationToken: cancellationToken)) == 1;
    }

    /// <summary>Checks a presented token and notes that it was used.</summary>
    public async Task<TokenCheck> CheckAsync(string value, CancellationToken cancellationToken)
    {
        if (value.Length != TokenLength || !value.StartsWith(Prefix, StringComparison.Ordinal))
            return Refused(TokenRefusal.Malformed);

        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        var found = (await connection.QueryAsync<TokenRow, StaffDirectory.UserRow, (ApiToken Token, StaffUser Owner)>(new CommandDefinition($"""
                SELECT {TokenColumns}, {StaffDirectory.Columns("u")}
                FROM {_tokens} t JOIN {_users} u ON u.id = t.user_id
                WHERE t.token_hash = @hash
                """, new { hash = Hash(value) }, cancellationToken: cancellationToken),
            (token, owner) => (token.Token, owner.User), splitOn: "id")).SingleOrDefault();
        if (found is not { Token: { } token, Owner: { } owner })
            return Refused(TokenRefusal.Unknown);

        var now = time.GetUtcNow();
        if (token.RevokedAt is not null)
            return Refused(TokenRefusal.Revoked, token, owner);
        if (token.ExpiresAt <= now)
            return Refused(TokenRefusal.Expired, token, owner);
        if (owner.Disabled)
            return Refused(TokenRefusal.OwnerDisabled, token, owner);

        if (token.LastUsedAt is not { } lastUsed || now - lastUsed >= LastUsedPrecision)
            await connection.ExecuteAsync(new CommandDefinition($"UPDATE {_tokens} SET last_used_at = @now WHERE id = @id",
                new { now, id = token.Id }, cancellationToken: cancellationToken));

        return new TokenCheck(token, owner, [.. token.Roles.Intersect(owner.Roles)], null);
    }

    const string TokenColumns = "t.id, t.name, t.user_id, u.email, t.roles, t.created_at, t.expires_at, t.revoked_at, t.last_used_at";

    /// <summary>The columns of <see cref="TokenColumns"/>: a row of the tokens table with its owner's email.</summary>
    sealed record TokenRow(Guid Id, string Name, Guid UserId, string Email, string Roles, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
        DateTimeOffset? RevokedAt, DateTimeOffset? LastUsedAt)
    {
        public ApiToken Token => new(Id, Name, UserId, Email, StaffRoles.Parse(Roles), CreatedAt, ExpiresAt, RevokedAt, LastUsedAt);
    }

    static TokenCheck Refused(TokenRefusal refusal, ApiToken? token = null, StaffUser? owner = null) => new(token, owner, [], refusal);

    static DateTimeOffset Truncate(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
}
