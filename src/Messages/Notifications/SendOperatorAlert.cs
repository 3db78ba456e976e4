namespace Orchestration.Messages.Notifications;

/// <summary>
/// Asks Notifications to email the operators an alert raised by Operations (a heartbeat lost or restored, a custom check
/// failing, a threshold crossed). One alert is one incident: a copy of the command with the same <see cref="AlertId"/>
/// is the same email.
/// </summary>
public sealed record SendOperatorAlert
{
    public required Guid AlertId { get; init; }

    /// <summary>What happened, for filtering: <c>heartbeat-lost</c>, <c>heartbeat-restored</c>, <c>check-failed</c>, …</summary>
    public required string Kind { get; init; }

    public required IReadOnlyList<string> Recipients { get; init; }
    public required string Subject { get; init; }
    public required string Text { get; init; }
    public required DateTimeOffset RaisedAt { get; init; }
}
