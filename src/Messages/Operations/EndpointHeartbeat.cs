namespace Orchestration.Messages.Operations;

/// <summary>How a custom check came out.</summary>
public enum CheckStatus
{
    Pass,
    Fail,
}

/// <summary>One custom check as the instance ran it just before the heartbeat: storage, broker, a provider, parked rows, disk.</summary>
public sealed record CustomCheckResult
{
    public required string Name { get; init; }
    public required CheckStatus Status { get; init; }
    public string? Detail { get; init; }
}

/// <summary>
/// An endpoint instance is alive: published every <see cref="Interval"/> by every instance, with its custom checks and
/// what its platform tables held. Operations records the instance and declares it lost when heartbeats stop.
/// A heartbeat repeated or overtaken by a later one changes nothing.
/// </summary>
public sealed record EndpointHeartbeat
{
    public required string Endpoint { get; init; }
    public required string Instance { get; init; }
    public required string Host { get; init; }
    public required DateTimeOffset SentAt { get; init; }
    public required TimeSpan Interval { get; init; }

    /// <summary>Autoscaled endpoints are tracked by how many instances beat, fixed fleets instance by instance.</summary>
    public required bool Autoscaled { get; init; }

    public required IReadOnlyList<CustomCheckResult> Checks { get; init; }

    /// <summary>Messages committed and not yet sent to the broker.</summary>
    public long OutboxBacklog { get; init; }

    /// <summary>Outbox and scheduler rows parked after their delivery attempts ran out.</summary>
    public long Parked { get; init; }

    /// <summary>Scheduled messages still unsent well after their time.</summary>
    public long ScheduledLate { get; init; }

    /// <summary>What the instance handled since its previous heartbeat, per message type: the monitoring samples.</summary>
    public IReadOnlyList<MessageTypeMetrics> Metrics { get; init; } = [];

    /// <summary>The queues the instance consumes from, whose lengths Operations samples as the endpoint's.</summary>
    public IReadOnlyList<string> Queues { get; init; } = [];
}

/// <summary>
/// What Operations knows of an endpoint instance, published whenever that changes (a heartbeat recorded, the instance
/// lost or muted), for read models such as the Gateway's. A report older than one already applied is stale.
/// </summary>
public sealed record EndpointInstanceReported
{
    public required string Endpoint { get; init; }
    public required string Instance { get; init; }
    public required string Host { get; init; }
    public required bool Autoscaled { get; init; }
    public required DateTimeOffset FirstSeen { get; init; }
    public required DateTimeOffset LastHeartbeat { get; init; }
    public DateTimeOffset? LostAt { get; init; }
    public DateTimeOffset? MutedUntil { get; init; }
    public required IReadOnlyList<CustomCheckResult> Checks { get; init; }
    public required DateTimeOffset ReportedAt { get; init; }
}

/// <summary>
/// Mutes an endpoint instance's alerts until <see cref="Until"/> (maintenance), or unmutes it when that is null. Sent to
/// Operations' heartbeat queue (<see cref="HeartbeatQueue"/>); repeating it changes nothing more.
/// </summary>
public sealed record MuteEndpointInstance
{
    public const string HeartbeatQueue = "operations-heartbeats";

    public required string Endpoint { get; init; }
    public required string Instance { get; init; }
    public DateTimeOffset? Until { get; init; }
    public required string RequestedBy { get; init; }
}

/// <summary>
/// What one endpoint instance handled of one message type since its previous heartbeat: how many, how many failed
/// (an attempt that threw) and how many were retries, the processing time, and the critical time (sent → handled).
/// </summary>
public sealed record MessageTypeMetrics
{
    public required string MessageType { get; init; }
    public required long Handled { get; init; }
    public required long Failed { get; init; }
    public required long Retries { get; init; }
    public required double ProcessingMsTotal { get; init; }
    public required double CriticalMsTotal { get; init; }
    public required double CriticalMsMax { get; init; }

    /// <summary>Of <see cref="Retries"/>, the attempts made right after a failure.</summary>
    public long ImmediateRetries { get; init; }

    /// <summary>Of <see cref="Retries"/>, the redeliveries after a delay.</summary>
    public long DelayedRetries { get; init; }

    /// <summary>Failed attempts after which no retry was left: the message went to the error queue.</summary>
    public long MovedToError { get; init; }
}
