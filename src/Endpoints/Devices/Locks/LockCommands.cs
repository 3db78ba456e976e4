using Dapper;

namespace Orchestration.Endpoints.Devices.Locks;

/// <summary>
/// A command sent to a lock until it acknowledges: a lease's code (<see cref="LeaseId"/>) or a visit's
/// (<see cref="WorkOrderId"/>). <see cref="CodeHash"/> is the hash of the code last sent; the code itself is kept nowhere.
/// The validity is as the requester gave it: dates of the property's time zone for a lease, UTC times for a visit.
/// </summary>
public sealed record LockCommand(
    Guid CommandId, Guid DeviceId, string Command, Guid? LeaseId, Guid? WorkOrderId, Guid AccessCodeId, string? ValidFrom,
    string? ValidUntil, string? CodeHash, int Attempts, DateTimeOffset? NextAttemptAt, DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? EscalatedAt)
{
    public const string IssueCode = "issue-code";
    public const string RevokeCode = "revoke-code";
}

/// <summary>The SQL of lock commands, in one place.</summary>
public sealed class LockCommands(SqlStorage storage)
{
    readonly string _commands = storage.Table("lock_commands");

    const string Columns = """
        command_id, device_id, command, lease_id, work_order_id, access_code_id, valid_from, valid_until, code_hash, attempts, next_attempt_at,
        acknowledged_at, escalated_at
        """;

    /// <summary>Stores the command unless its id is known (a redelivered request derives the same id).</summary>
    public async Task<bool> TryAddAsync(SqlSession session, LockCommand command, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_commands} ({Columns})
            VALUES (@CommandId, @DeviceId, @Command, @LeaseId, @WorkOrderId, @AccessCodeId, @ValidFrom, @ValidUntil, @CodeHash, @Attempts,
                    @NextAttemptAt, @AcknowledgedAt, @EscalatedAt)
            ON CONFLICT (command_id) DO NOTHING
            """, command, cancellationToken)) == 1;

    public Task<LockCommand?> FindAsync(SqlSession session, Guid commandId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<LockCommand?>(session.Command(
            $"SELECT {Columns} FROM {_commands} WHERE command_id = @commandId", new { commandId }, cancellationToken));

    /// <summary>Marks the command acknowledged; false when it already was (a repeated ack).</summary>
    public async Task<bool> AcknowledgeAsync(SqlSession session, Guid commandId, DateTimeOffset now, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_commands} SET acknowledged_at = @now, next_attempt_at = NULL WHERE command_id = @commandId AND acknowledged_at IS NULL
            """, new { commandId, now }, cancellationToken)) == 1;

    /// <summary>Unacknowledged commands whose wait is over, locked so that one instance handles each.</summary>
    public async Task<IReadOnlyList<LockCommand>> ClaimDueAsync(SqlSession session, DateTimeOffset now, int limit, CancellationToken cancellationToken) =>
        [.. await session.Connection.QueryAsync<LockCommand>(session.Command($"""
            SELECT {Columns} FROM {_commands}
            WHERE next_attempt_at <= @now AND acknowledged_at IS NULL AND escalated_at IS NULL
            ORDER BY next_attempt_at LIMIT @limit {session.Storage.Dialect.ForUpdateSkipLocked}
            """, new { now, limit }, cancellationToken))];

    public Task RecordAttemptAsync(SqlSession session, Guid commandId, string? codeHash, DateTimeOffset nextAttemptAt, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_commands} SET attempts = attempts + 1, next_attempt_at = @nextAttemptAt, code_hash = COALESCE(@codeHash, code_hash)
            WHERE command_id = @commandId AND acknowledged_at IS NULL
            """, new { commandId, codeHash, nextAttemptAt }, cancellationToken));

    public Task EscalateAsync(SqlSession session, Guid commandId, DateTimeOffset now, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_commands} SET escalated_at = @now, next_attempt_at = NULL WHERE command_id = @commandId AND acknowledged_at IS NULL
            """, new { commandId, now }, cancellationToken));
}
