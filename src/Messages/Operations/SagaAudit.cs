namespace Orchestration.Messages.Operations;

/// <summary>How a saga step left the instance.</summary>
public enum SagaStepOutcome
{
    Created,
    Updated,
    Finalized,
}

/// <summary>What happened to a timeout (a scheduled message) in a saga step.</summary>
public enum SagaTimeoutAction
{
    Requested,
    Cancelled,
    Fired,
}

/// <summary>
/// A property of the instance the step changed, with its JSON before (null when the instance is new) and after; a value
/// longer than 256 characters is cut there and ends with "…".
/// </summary>
public sealed record SagaPropertyChange
{
    public required string Name { get; init; }
    public string? Before { get; init; }
    public string? After { get; init; }
}

/// <summary>A timeout the step requested or cancelled, or the timeout whose arrival the step handled.</summary>
public sealed record SagaTimeout
{
    public required SagaTimeoutAction Action { get; init; }
    public required Guid TokenId { get; init; }

    /// <summary>The scheduled message's type, when the step knows it (requested or fired).</summary>
    public string? MessageType { get; init; }

    public DateTimeOffset? DueAt { get; init; }
}

/// <summary>A message the step sent or published; it leaves with the step's commit.</summary>
public sealed record SagaSentMessage
{
    public required Guid MessageId { get; init; }
    public required string MessageType { get; init; }
    public required string Destination { get; init; }
}

/// <summary>
/// One message applied to one saga instance, recorded in the transaction that saved the instance: the message, the state
/// before and after, the properties it changed, the timeouts requested, cancelled or fired, and the messages sent.
/// <see cref="Version"/> is the instance's version after the step, so the steps of an instance sort in the order they
/// happened.
/// </summary>
public sealed record SagaStep
{
    public required Guid StepId { get; init; }
    public required string Endpoint { get; init; }
    public required string SagaType { get; init; }
    public required Guid CorrelationId { get; init; }
    public required int Version { get; init; }
    public required DateTimeOffset At { get; init; }
    public required SagaStepOutcome Outcome { get; init; }
    public Guid? MessageId { get; init; }
    public required string MessageType { get; init; }
    public Guid? ConversationId { get; init; }
    public Guid? InitiatorId { get; init; }
    public string? StateBefore { get; init; }
    public string? StateAfter { get; init; }
    public required IReadOnlyList<SagaPropertyChange> Changes { get; init; }
    public required IReadOnlyList<SagaTimeout> Timeouts { get; init; }
    public required IReadOnlyList<SagaSentMessage> Sent { get; init; }
}

/// <summary>
/// Saga steps an endpoint recorded, shipped in batches after they committed. A batch may arrive twice or out of order:
/// a reader keeps each step once, by <see cref="SagaStep.StepId"/>, and orders an instance's steps by version.
/// </summary>
public sealed record SagaStepsRecorded
{
    public required string Endpoint { get; init; }
    public required IReadOnlyList<SagaStep> Steps { get; init; }
}

/// <summary>
/// Headers a message carries into its error queue when a saga failed on it, naming the instance: the failed message links to
/// the saga's audit trail.
/// </summary>
public static class SagaAuditHeaders
{
    public const string SagaType = "MT-Orchestration-Saga-Type";
    public const string SagaId = "MT-Orchestration-Saga-Id";
}
