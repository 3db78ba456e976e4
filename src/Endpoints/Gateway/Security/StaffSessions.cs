using System.Security.Cryptography;
using Dapper;

namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>A live portal session: whose it is and when it ends, whatever the activity.</summary>
public sealed record StaffSession(StaffUser User, DateTimeOffset ExpiresAt);

/// <summary>
/// Portal sessions kept on the server (<c>staff_sessions</c>). The cookie carries a random session id; the table keeps only
/// its SHA-256. A cookie works only while its row exists and has not reached <see cref="GatewaySecurityOptions.SessionMaxLifetime"/>,
/// so signing out ends that cookie everywhere, even a copy of it.
/// </summary>
public sealed class StaffSessions(SqlStorage storage, IOptions<GatewaySecurityOptions> options, TimeProvider time)
{
    readonly string _sessions = storage.Table("staff_sessions");
    readonly string _users = storage.Table("users");

    public static string Hash(string sessionId) => ApiTokenStore.Hash(sessionId);

    /// <summary>Starts a session for the user and returns its id, for the cookie only; sessions past their end are dropped on the way.</summary>
    public async Task<string> StartAsync(StaffUser user, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var id = RandomNumberGenerator.GetHexString(64, lowercase: true);
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM {_sessions} WHERE expires_at <= @now", new { now },
            cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition($"""
            INSERT INTO {_sessions} (id_hash, user_id, created_at, expires_at) VALUES (@hash, @userId, @now, @expiresAt)
            """, new { hash = Hash(id), userId = user.Id, now, expiresAt = now + options.Value.SessionMaxLifetime },
            cancellationToken: cancellationToken));
        return id;
    }

    /// <summary>The session and its user as they are now; null when it was ended or has reached its end.</summary>
    public async Task<StaffSession?> FindAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        var found = await connection.QueryAsync<StaffDirectory.UserRow, DateTimeOffset, StaffSession>(new CommandDefinition($"""
                SELECT {StaffDirectory.Columns("u")}, s.expires_at
                FROM {_sessions} s JOIN {_users} u ON u.id = s.user_id
                WHERE s.id_hash = @hash AND s.expires_at > @now
                """, new { hash = Hash(sessionId), now = time.GetUtcNow() }, cancellationToken: cancellationToken),
            (user, expiresAt) => new StaffSession(user.User, expiresAt), splitOn: "expires_at");
        return found.SingleOrDefault();
    }

    /// <summary>Ends the session (nothing happens when it already ended).</summary>
    public async Task EndAsync(string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM {_sessions} WHERE id_hash = @hash", new { hash = Hash(sessionId) },
            cancellationToken: cancellationToken));
    }
}
