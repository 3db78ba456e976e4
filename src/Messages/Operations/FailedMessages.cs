namespace Orchestration.Messages.Operations;

/// <summary>
/// Sends failed messages back to the queues they failed on, at the configured rate. A message already resolved, archived
/// or unknown is skipped, so the command may be repeated.
/// </summary>
public sealed record RetryFailedMessages
{
    public required Guid RequestId { get; init; }
    public required IReadOnlyList<Guid> MessageIds { get; init; }
    public required string RequestedBy { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}

/// <summary>Archives failed messages (they leave their groups and expire after the retention period), or restores them.</summary>
public sealed record ArchiveFailedMessages
{
    public required Guid RequestId { get; init; }
    public required IReadOnlyList<Guid> MessageIds { get; init; }
    public required bool Restore { get; init; }
    public required string RequestedBy { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}

/// <summary>
/// Sends an edited copy of a failed message, under <see cref="NewMessageId"/>, to the queue the original failed on; the
/// original is marked resolved. Headers replace the original's non-critical headers.
/// </summary>
public sealed record EditAndRetryFailedMessage
{
    public required Guid RequestId { get; init; }
    public required Guid MessageId { get; init; }
    public required Guid NewMessageId { get; init; }
    public required string Body { get; init; }
    public required IReadOnlyDictionary<string, string> Headers { get; init; }
    public required string RequestedBy { get; init; }
    public required DateTimeOffset RequestedAt { get; init; }
}

/// <summary>
/// A failed message as Operations holds it after a change (stored, failed again, retry requested or sent, resolved,
/// archived, restored): the whole record, so a reader keeps its copy by taking the highest <see cref="Version"/>.
/// </summary>
public sealed record FailedMessageChanged
{
    public required Guid MessageId { get; init; }
    public required long Version { get; init; }

    /// <summary>Unresolved, RetryRequested, RetrySent, Resolved or Archived.</summary>
    public required string Status { get; init; }

    public required string MessageType { get; init; }
    public required string Endpoint { get; init; }
    public required string InputQueue { get; init; }
    public required string Host { get; init; }
    public required string ExceptionType { get; init; }
    public required string ExceptionMessage { get; init; }
    public required string StackTrace { get; init; }

    /// <summary>Exception type plus normalised stack trace, hashed: the default group.</summary>
    public required string ExceptionGroup { get; init; }

    public required IReadOnlyDictionary<string, string> Headers { get; init; }
    public required string Body { get; init; }
    public required DateTimeOffset FirstFailedAt { get; init; }
    public required DateTimeOffset LastFailedAt { get; init; }
    public required int TimesFailed { get; init; }
    public DateTimeOffset? RetriedAt { get; init; }
    public DateTimeOffset? ResolvedAt { get; init; }
    public DateTimeOffset? ArchivedAt { get; init; }

    /// <summary>When an archived or resolved message is deleted for good.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The edited copy sent in its place by edit &amp; retry.</summary>
    public Guid? ReplacedBy { get; init; }
}

/// <summary>Which transport headers of a failed message an edit may change, and which a retry leaves behind.</summary>
public static class FailedMessageHeaders
{
    /// <summary>Headers no edit may change: MassTransit reads them to route and deserialise the message.</summary>
    public static readonly IReadOnlySet<string> Locked = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "Content-Type", "MT-MessageType", "MessageId", "ConversationId", "CorrelationId", "MT-Activity-Id",
    };

    /// <summary>The headers the recoverability policy added when it gave up on the message: a retry goes without them.</summary>
    public static bool IsFault(string name) =>
        name.StartsWith("MT-Fault-", StringComparison.OrdinalIgnoreCase) || name.StartsWith("MT-Reason", StringComparison.OrdinalIgnoreCase)
        || name.Equals("MT-Redelivery-Count", StringComparison.OrdinalIgnoreCase);

    public static bool IsEditable(string name) => !Locked.Contains(name) && !IsFault(name);
}
