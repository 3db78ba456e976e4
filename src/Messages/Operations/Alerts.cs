namespace Orchestration.Messages.Operations;

/// <summary>The alert rules and channels admins manage, and where their commands go.</summary>
public static class AlertSettings
{
    /// <summary>Operations' queue for the alert commands below.</summary>
    public const string Queue = "operations-alerts";

    /// <summary>
    /// What a rule watches: <c>new-failure-group</c>, <c>failures</c> (messages moved to error above a threshold within a
    /// window), <c>heartbeat</c> (lost and restored), <c>check-failed</c> (a custom check failing and passing again),
    /// <c>queue-length</c> and <c>critical-time</c> (above a threshold).
    /// </summary>
    public static readonly IReadOnlyList<string> RuleKinds = ["new-failure-group", "failures", "heartbeat", "check-failed", "queue-length", "critical-time"];

    /// <summary>The rule kinds that need a threshold.</summary>
    public static readonly IReadOnlyList<string> ThresholdKinds = ["failures", "queue-length", "critical-time"];

    /// <summary><c>email</c> (sent through Notifications) or <c>webhook</c> (a signed POST).</summary>
    public static readonly IReadOnlyList<string> ChannelKinds = ["email", "webhook"];
}

/// <summary>
/// Creates or replaces an alert channel. A webhook's <see cref="Secret"/> signs its deliveries; null on a replacement keeps
/// the secret it has. Saving the same content again changes nothing more.
/// </summary>
public sealed record SaveAlertChannel
{
    public required Guid ChannelId { get; init; }
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public IReadOnlyList<string> Recipients { get; init; } = [];
    public string? Url { get; init; }
    public string? Secret { get; init; }
    public required string RequestedBy { get; init; }
}

/// <summary>Creates or replaces an alert rule: what it watches, its threshold and window, its cool-down, where it alerts.</summary>
public sealed record SaveAlertRule
{
    public required Guid RuleId { get; init; }
    public required string Name { get; init; }
    public required string Kind { get; init; }

    /// <summary>Only this endpoint's incidents; null, every endpoint's.</summary>
    public string? Endpoint { get; init; }

    /// <summary>Messages (failures, queue length) or milliseconds (critical time) the value must exceed.</summary>
    public long? Threshold { get; init; }

    /// <summary>The window failures are counted in, and critical time is the longest of.</summary>
    public TimeSpan? Window { get; init; }

    /// <summary>After an incident alerted, the same incident opening again stays silent this long.</summary>
    public required TimeSpan CoolDown { get; init; }

    public required IReadOnlyList<Guid> ChannelIds { get; init; }
    public required bool Enabled { get; init; }
    public required string RequestedBy { get; init; }
}

/// <summary>Deletes an alert rule, or a channel (and takes it off every rule); deleting what is gone changes nothing.</summary>
public sealed record DeleteAlertSetting
{
    /// <summary><c>rule</c> or <c>channel</c>.</summary>
    public required string Setting { get; init; }

    public required Guid Id { get; init; }
    public required string RequestedBy { get; init; }
}

/// <summary>An alert channel as Operations now has it (never its secret), or its deletion; an older version changes nothing.</summary>
public sealed record AlertChannelChanged
{
    public required Guid ChannelId { get; init; }
    public required long Version { get; init; }
    public required bool Deleted { get; init; }
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public required IReadOnlyList<string> Recipients { get; init; }
    public string? Url { get; init; }
    public required bool HasSecret { get; init; }
    public required string ChangedBy { get; init; }
}

/// <summary>An alert rule as Operations now has it, or its deletion; an older version changes nothing.</summary>
public sealed record AlertRuleChanged
{
    public required Guid RuleId { get; init; }
    public required long Version { get; init; }
    public required bool Deleted { get; init; }
    public required string Name { get; init; }
    public required string Kind { get; init; }
    public string? Endpoint { get; init; }
    public long? Threshold { get; init; }
    public TimeSpan? Window { get; init; }
    public required TimeSpan CoolDown { get; init; }
    public required IReadOnlyList<Guid> ChannelIds { get; init; }
    public required bool Enabled { get; init; }
    public required string ChangedBy { get; init; }
}
