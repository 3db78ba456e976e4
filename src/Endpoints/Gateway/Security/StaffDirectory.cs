using System.Security.Cryptography;
using Dapper;
using Microsoft.AspNetCore.Identity;

namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>A staff member as the Gateway knows them. The password hash never leaves <see cref="StaffDirectory"/>.</summary>
public sealed record StaffUser(
    Guid Id,
    string Email,
    string DisplayName,
    IReadOnlyList<string> Roles,
    string SecurityStamp,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DisabledAt)
{
    public bool Disabled => DisabledAt is not null;
}

public enum SignInFailure
{
    UnknownEmail,
    WrongPassword,
    Disabled,
}

/// <summary>The outcome of a password check: the user when it passed, otherwise why not (for the log, never for the caller).</summary>
public sealed record PasswordCheck(StaffUser? User, SignInFailure? Failure);

/// <summary>
/// The staff users table: creation, lookup, roles, disabling, and password checks. Passwords are hashed with ASP.NET Core
/// Identity's <see cref="PasswordHasher{TUser}"/> (v3: PBKDF2 with HMAC-SHA512, 100,000 iterations, a random 128-bit salt
/// per hash). A check for an email nobody has still verifies a password against a decoy hash, so that the time taken
/// does not tell which addresses have accounts. At most <see cref="GatewaySecurityOptions.MaxConcurrentPasswordChecks"/>
/// hashes are computed at once; the others wait.
/// </summary>
public sealed class StaffDirectory(
    SqlStorage storage,
    TimeProvider time,
    IOptions<GatewaySecurityOptions> options,
    IPasswordHasher<StaffUser> hasher,
    ILogger<StaffDirectory> logger) : IDisposable
{
    /// <summary>The hasher the Gateway registers unless its host registered another (a hash records its own iteration count).</summary>
    public static readonly PasswordHasher<StaffUser> DefaultHasher = new(Options.Create(new PasswordHasherOptions
    {
        CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
        IterationCount = 100_000,
    }));

    readonly IPasswordHasher<StaffUser> _hasher = hasher;

    // A stand-in for the hasher's user argument, which the v3 format does not use.
    static readonly StaffUser Nobody = new(Guid.Empty, "", "", [], "", DateTimeOffset.UnixEpoch, null);

    readonly string _decoyHash = hasher.HashPassword(Nobody, RandomNumberGenerator.GetHexString(32));

    readonly SemaphoreSlim _hashing = new(options.Value.MaxConcurrentPasswordChecks, options.Value.MaxConcurrentPasswordChecks);

    readonly string _users = storage.Table("users");
    readonly string _tokens = storage.Table("api_tokens");
    readonly string _sessions = storage.Table("staff_sessions");

    /// <summary>Revokes every live API token of the user <c>@id</c> at <c>@now</c>.</summary>
    string RevokeTokens => $"UPDATE {_tokens} SET revoked_at = @now WHERE user_id = @id AND revoked_at IS NULL";

    /// <summary>The columns of a <see cref="UserRow"/>, in order, for a users table aliased <paramref name="alias"/>.</summary>
    internal static string Columns(string alias) =>
        string.Join(", ", new[] { "id", "email", "display_name", "roles", "security_stamp", "created_at", "disabled_at" }.Select(c => $"{alias}.{c}"));

    /// <summary>A row of the users table without its password hash.</summary>
    internal sealed record UserRow(Guid Id, string Email, string DisplayName, string Roles, string SecurityStamp, DateTimeOffset CreatedAt,
        DateTimeOffset? DisabledAt)
    {
        public StaffUser User => new(Id, Email, DisplayName, StaffRoles.Parse(Roles), SecurityStamp, CreatedAt, DisabledAt);
    }

    /// <summary>The form in which an email is unique: trimmed and lower-cased.</summary>
    public static string EmailKey(string email) => email.Trim().ToLowerInvariant();

    public async Task<StaffUser?> FindAsync(Guid id, CancellationToken cancellationToken) =>
        (await FindRowAsync(id, cancellationToken))?.User;

    public async Task<StaffUser?> FindByEmailAsync(string email, CancellationToken cancellationToken) =>
        (await FindRowByEmailAsync(email, cancellationToken))?.User;

    public async Task<IReadOnlyList<StaffUser>> ListAsync(CancellationToken cancellationToken) =>
        [.. (await UsersAsync("", null, cancellationToken)).Select(r => r.User)];

    /// <summary>Creates the user; null when another user already has the email (in any letter case).</summary>
    public async Task<StaffUser?> CreateAsync(string email, string displayName, string password, IEnumerable<string> roles, CancellationToken cancellationToken)
    {
        var user = new StaffUser(Guid.CreateVersion7(time.GetUtcNow()), email.Trim(), displayName.Trim(), StaffRoles.Normalize(roles), NewStamp(),
            DateTimeOffset.FromUnixTimeMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds()), null);
        var hash = await HashingAsync(() => _hasher.HashPassword(user, password), cancellationToken);

        var inserted = await ExecuteAsync($"""
            INSERT INTO {_users} (id, email, email_key, display_name, password_hash, roles, security_stamp, created_at, disabled_at)
            VALUES (@id, @email, @emailKey, @displayName, @hash, @roles, @stamp, @createdAt, NULL)
            ON CONFLICT (email_key) DO NOTHING
            """, new
            {
                id = user.Id, email = user.Email, emailKey = EmailKey(email), displayName = user.DisplayName, hash,
                roles = StaffRoles.Format(user.Roles), stamp = user.SecurityStamp, createdAt = user.CreatedAt,
            }, cancellationToken);
        if (inserted == 0)
            return null;

        logger.LogInformation("Created staff user {UserId} with roles {Roles}", user.Id, user.Roles);
        return user;
    }

    /// <summary>
    /// Creates the user unless one with this email exists; an existing user is returned as it is (its password, roles and
    /// disabled state are not touched). For start-up and demo seeding; throws <see cref="ArgumentException"/> on input the
    /// users API would refuse.
    /// </summary>
    public async Task<StaffUser> EnsureUserAsync(string email, string displayName, string password, IEnumerable<string> roles,
        CancellationToken cancellationToken = default)
    {
        var roleList = roles.ToList();
        var errors = StaffRules.ValidateNewUser(email, displayName, password, roleList);
        if (errors.Count > 0)
            throw new ArgumentException("Invalid staff user: " + string.Join(" ", errors.SelectMany(e => e.Value)));

        return await FindByEmailAsync(email, cancellationToken)
            ?? await CreateAsync(email, displayName, password, roleList, cancellationToken)
            // Another instance created it between the lookup and the insert.
            ?? await FindByEmailAsync(email, cancellationToken)
            ?? throw new InvalidOperationException("The staff user was neither found nor created.");
    }

    /// <summary>Checks an email and password. Takes about as long whether or not the email belongs to anyone.</summary>
    public async Task<PasswordCheck> CheckPasswordAsync(string email, string password, CancellationToken cancellationToken)
    {
        var found = await FindRowByEmailAsync(email, cancellationToken);
        if (found is null)
        {
            await HashingAsync(() => _hasher.VerifyHashedPassword(Nobody, _decoyHash, password), cancellationToken);
            return new PasswordCheck(null, SignInFailure.UnknownEmail);
        }

        var (user, hash) = found.Value;
        var verified = await HashingAsync(() => _hasher.VerifyHashedPassword(user, hash, password), cancellationToken);
        if (verified == PasswordVerificationResult.Failed)
            return new PasswordCheck(user, SignInFailure.WrongPassword);
        if (user.Disabled)
            return new PasswordCheck(user, SignInFailure.Disabled);

        if (verified == PasswordVerificationResult.SuccessRehashNeeded)
        {
            var rehashed = await HashingAsync(() => _hasher.HashPassword(user, password), cancellationToken);
            await ExecuteAsync($"UPDATE {_users} SET password_hash = @hash WHERE id = @id", new { hash = rehashed, id = user.Id }, cancellationToken);
        }
        return new PasswordCheck(user, null);
    }

    /// <summary>
    /// Sets a new password when the current one is right, and a new security stamp; ends every portal session the user
    /// had except <paramref name="keepSessionId"/> (the one making the change), and revokes every API token they own, all
    /// in one transaction. Null when the user is unknown, disabled, or the current password is wrong.
    /// </summary>
    public async Task<StaffUser?> ChangePasswordAsync(Guid id, string currentPassword, string newPassword, string? keepSessionId,
        CancellationToken cancellationToken)
    {
        if (await FindRowAsync(id, cancellationToken) is not { } row)
            return null;

        var (user, hash) = row;
        if (await HashingAsync(() => _hasher.VerifyHashedPassword(user, hash, currentPassword), cancellationToken) == PasswordVerificationResult.Failed
            || user.Disabled)
            return null;

        var changed = await SetPasswordAsync(user, newPassword, keepApiTokens: false, keepSessionId, cancellationToken);
        logger.LogInformation("Staff user {UserId} changed their password; their other sessions ended and API tokens revoked", id);
        return changed;
    }

    /// <summary>
    /// Sets a new password without the current one (an administrator's reset, or the standalone demo's throwaway
    /// password) and a new security stamp, ending every portal session the user had and revoking their API tokens. Null
    /// when the user is unknown.
    /// </summary>
    public Task<StaffUser?> ResetPasswordAsync(Guid id, string newPassword, CancellationToken cancellationToken) =>
        ResetPasswordAsync(id, newPassword, keepApiTokens: false, cancellationToken);

    /// <summary>As <see cref="ResetPasswordAsync(Guid, string, CancellationToken)"/>; the API tokens stay valid when <paramref name="keepApiTokens"/>.</summary>
    public async Task<StaffUser?> ResetPasswordAsync(Guid id, string newPassword, bool keepApiTokens, CancellationToken cancellationToken)
    {
        if (await FindRowAsync(id, cancellationToken) is not { } row)
            return null;

        var changed = await SetPasswordAsync(row.User, newPassword, keepApiTokens, keepSessionId: null, cancellationToken);
        logger.LogInformation("Staff user {UserId} had their password reset; their sessions ended, API tokens {TokensKept}", id,
            keepApiTokens ? "kept" : "revoked");
        return changed;
    }

    async Task<StaffUser> SetPasswordAsync(StaffUser user, string newPassword, bool keepApiTokens, string? keepSessionId,
        CancellationToken cancellationToken)
    {
        var hash = await HashingAsync(() => _hasher.HashPassword(user, newPassword), cancellationToken);
        var stamp = NewStamp();
        var now = time.GetUtcNow();
        var id = user.Id;
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"UPDATE {_users} SET password_hash = @hash, security_stamp = @stamp WHERE id = @id",
            new { hash, stamp, id }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM {_sessions} WHERE user_id = @id AND id_hash <> @keep",
            new { id, keep = keepSessionId is null ? "" : StaffSessions.Hash(keepSessionId) }, transaction, cancellationToken: cancellationToken));
        if (!keepApiTokens)
            await connection.ExecuteAsync(new CommandDefinition(RevokeTokens, new { now, id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return user with { SecurityStamp = stamp };
    }

    /// <summary>Replaces the user's roles; null when there is no such user. Sessions and tokens see the change on their next request.</summary>
    public async Task<StaffUser?> SetRolesAsync(Guid id, IEnumerable<string> roles, CancellationToken cancellationToken)
    {
        var normalized = StaffRoles.Normalize(roles);
        var changed = await ExecuteAsync($"UPDATE {_users} SET roles = @roles WHERE id = @id", new { roles = StaffRoles.Format(normalized), id },
            cancellationToken);
        return changed == 0 ? null : await FindAsync(id, cancellationToken);
    }

    /// <summary>
    /// Disables the user, ends their portal sessions (new security stamp, session rows deleted) and revokes every API token they own, in one
    /// transaction. False when there is no such user.
    /// </summary>
    public async Task<bool> DisableAsync(Guid id, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (await connection.ExecuteAsync(new CommandDefinition(
                $"UPDATE {_users} SET disabled_at = COALESCE(disabled_at, @now), security_stamp = @stamp WHERE id = @id",
                new { now, stamp = NewStamp(), id }, transaction, cancellationToken: cancellationToken)) == 0)
            return false;

        await connection.ExecuteAsync(new CommandDefinition(RevokeTokens, new { now, id }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM {_sessions} WHERE user_id = @id", new { id }, transaction,
            cancellationToken: cancellationToken));

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Lets a disabled user sign in again. Their old sessions and tokens stay ended. False when there is no such user.</summary>
    public async Task<bool> EnableAsync(Guid id, CancellationToken cancellationToken) =>
        await ExecuteAsync($"UPDATE {_users} SET disabled_at = NULL WHERE id = @id", new { id }, cancellationToken) == 1;

    async Task<(StaffUser User, string Hash)?> FindRowAsync(Guid id, CancellationToken cancellationToken)
    {
        var found = await UsersAsync("WHERE u.id = @id", new { id }, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    async Task<(StaffUser User, string Hash)?> FindRowByEmailAsync(string email, CancellationToken cancellationToken)
    {
        var found = await UsersAsync("WHERE u.email_key = @emailKey", new { emailKey = EmailKey(email) }, cancellationToken);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The users <paramref name="where"/> selects, each with their password hash, in the order of their email key.</summary>
    async Task<IReadOnlyList<(StaffUser User, string Hash)>> UsersAsync(string where, object? parameters, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        return [.. await connection.QueryAsync<UserRow, string, (StaffUser, string)>(new CommandDefinition(
                $"SELECT {Columns("u")}, u.password_hash FROM {_users} u {where} ORDER BY u.email_key", parameters,
                cancellationToken: cancellationToken),
            (row, hash) => (row.User, hash), splitOn: "password_hash")];
    }

    async Task<int> ExecuteAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
    }

    async Task<T> HashingAsync<T>(Func<T> work, CancellationToken cancellationToken)
    {
        await _hashing.WaitAsync(cancellationToken);
        try
        {
            return work();
        }
        finally
        {
            _hashing.Release();
        }
    }

    public void Dispose() => _hashing.Dispose();

    static string NewStamp() => RandomNumberGenerator.GetHexString(32, lowercase: true);
}
