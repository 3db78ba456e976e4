using System.Text.Json;
using Dapper;
using Orchestration.Messages.Operations;

namespace Orchestration.Endpoints.Operations.Heartbeats;

/// <summary>An endpoint instance as Operations last heard of it.</summary>
public sealed class EndpointInstanceRow
{
    public string Endpoint { get; init; } = "";
    public string Instance { get; init; } = "";
    public string Host { get; init; } = "";
    public bool Autoscaled { get; init; }
    public long IntervalMs { get; init; }
    public long FirstSeen { get; init; }
    public long LastHeartbeat { get; init; }
    public long? LostAt { get; init; }
    public long? MutedUntil { get; init; }
    public string Checks { get; init; } = "[]";
    public long OutboxBacklog { get; init; }
    public long Parked { get; init; }
    public long ScheduledLate { get; init; }

    public IReadOnlyList<CustomCheckResult> CheckResults => JsonSerializer.Deserialize<List<CustomCheckResult>>(Checks, HeartbeatJson.Options) ?? [];

    public bool IsMuted(long now) => MutedUntil is { } until && until > now;

    /// <summary>The row as the event read models are kept by.</summary>
    public EndpointInstanceReported Report(DateTimeOffset now) => new()
    {
        Endpoint = Endpoint,
        Instance = Instance,
        Host = Host,
        Autoscaled = Autoscaled,
        FirstSeen = DateTimeOffset.FromUnixTimeMilliseconds(FirstSeen),
        LastHeartbeat = DateTimeOffset.FromUnixTimeMilliseconds(LastHeartbeat),
        LostAt = LostAt is { } lost ? DateTimeOffset.FromUnixTimeMilliseconds(lost) : null,
        MutedUntil = MutedUntil is { } muted ? DateTimeOffset.FromUnixTimeMilliseconds(muted) : null,
        Checks = CheckResults,
        ReportedAt = now,
    };
}

static class HeartbeatJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };
}

/// <summary>The SQL of heartbeats, in one place.</summary>
public sealed class EndpointInstanceStore(SqlStorage storage)
{
    const string Columns = """
        endpoint AS Endpoint, instance AS Instance, host AS Host, autoscaled AS Autoscaled, interval_ms AS IntervalMs,
        first_seen AS FirstSeen, last_heartbeat AS LastHeartbeat, lost_at AS LostAt, muted_until AS MutedUntil, checks AS Checks,
        outbox_backlog AS OutboxBacklog, parked AS Parked, scheduled_late AS ScheduledLate
        """;

    readonly string _instances = storage.Table("endpoint_instances");

    public Task<EndpointInstanceRow?> FindAsync(SqlSession session, string endpoint, string instance, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<EndpointInstanceRow>(session.Command(
            $"SELECT {Columns} FROM {_instances} WHERE endpoint = @endpoint AND instance = @instance", new { endpoint, instance }, cancellationToken));

    /// <summary>
    /// Records a heartbeat: a new instance, or the latest news of a known one (it is alive again if it was lost). A heartbeat
    /// older than the one recorded changes nothing, so a repeat or a late arrival cannot roll the instance back.
    /// </summary>
    public Task<int> RecordAsync(SqlSession session, EndpointHeartbeat heartbeat, long now, CancellationToken cancellationToken) =>
        session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_instances} (endpoint, instance, host, autoscaled, interval_ms, first_seen, last_heartbeat, lost_at, muted_until, checks,
                outbox_backlog, parked, scheduled_late, queues)
            VALUES (@Endpoint, @Instance, @Host, @autoscaled, @interval, @now, @sentAt, NULL, NULL, @checks, @OutboxBacklog, @Parked, @ScheduledLate,
                @queues)
            ON CONFLICT (endpoint, instance) DO UPDATE SET
                host = excluded.host, autoscaled = excluded.autoscaled, interval_ms = excluded.interval_ms,
                last_heartbeat = excluded.last_heartbeat, lost_at = NULL, checks = excluded.checks,
                outbox_backlog = excluded.outbox_backlog, parked = excluded.parked, scheduled_late = excluded.scheduled_late, queues = excluded.queues
            WHERE {_instances}.last_heartbeat < excluded.last_heartbeat
            """, new
        {
            heartbeat.Endpoint, heartbeat.Instance, heartbeat.Host, autoscaled = heartbeat.Autoscaled ? 1 : 0,
            interval = (long)heartbeat.Interval.TotalMilliseconds, now, sentAt = heartbeat.SentAt.ToUnixTimeMilliseconds(),
            checks = JsonSerializer.Serialize(heartbeat.Checks, HeartbeatJson.Options), heartbeat.OutboxBacklog, heartbeat.Parked,
            heartbeat.ScheduledLate, queues = JsonSerializer.Serialize(heartbeat.Queues, HeartbeatJson.Options),
        }, cancellationToken));

    /// <summary>
    /// Declares lost every instance whose last heartbeat is older than <paramref name="lastHeartbeatBefore"/>, and returns
    /// them; an instance is declared lost once, by whichever Operations instance gets there first.
    /// </summary>
    public async Task<List<EndpointInstanceRow>> MarkLostAsync(SqlSession session, long lastHeartbeatBefore, long now, CancellationToken cancellationToken) =>
        (await session.Connection.QueryAsync<EndpointInstanceRow>(session.Command($"""
            UPDATE {_instances} SET lost_at = @now WHERE lost_at IS NULL AND last_heartbeat < @lastHeartbeatBefore RETURNING {Columns}
            """, new { now, lastHeartbeatBefore }, cancellationToken))).AsList();

    /// <summary>Each queue live instances consume from, with its endpoint.</summary>
    public async Task<Dictionary<string, string>> LiveQueuesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string Endpoint, string Queues)>(new CommandDefinition(
            $"SELECT endpoint, queues FROM {_instances} WHERE lost_at IS NULL", cancellationToken: cancellationToken));
        var owners = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (endpoint, queues) in rows)
        {
            foreach (var queue in JsonSerializer.Deserialize<List<string>>(queues, HeartbeatJson.Options) ?? [])
                owners.TryAdd(queue, endpoint);
        }

        return owners;
    }

    /// <summary>How many instances of the endpoint are alive.</summary>
    public Task<long> CountAliveAsync(SqlSession session, string endpoint, CancellationToken cancellationToken) =>
        session.Connection.ExecuteScalarAsync<long>(session.Command(
            $"SELECT COUNT(*) FROM {_instances} WHERE endpoint = @endpoint AND lost_at IS NULL", new { endpoint }, cancellationToken));

    public async Task<List<EndpointInstanceRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<EndpointInstanceRow>(new CommandDefinition(
            $"SELECT {Columns} FROM {_instances} ORDER BY endpoint, instance", cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>Mutes (or with null unmutes) an instance's alerts; false when no such instance is known.</summary>
    public async Task<bool> MuteAsync(SqlSession session, string endpoint, string instance, long? mutedUntil, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command(
            $"UPDATE {_instances} SET muted_until = @mutedUntil WHERE endpoint = @endpoint AND instance = @instance",
            new { mutedUntil, endpoint, instance }, cancellationToken)) == 1;
}
