namespace Orchestration.Messages.Operations;

/// <summary>
/// What one endpoint instance handled between two heartbeats, per message type, as Operations recorded it: published for
/// read models such as the Gateway's monitoring view. The same instance and <see cref="PeriodEnd"/> again is a repeat.
/// </summary>
public sealed record EndpointMetricsSampled
{
    public required string Endpoint { get; init; }
    public required string Instance { get; init; }
    public required DateTimeOffset PeriodEnd { get; init; }
    public required TimeSpan Period { get; init; }
    public required IReadOnlyList<MessageTypeMetrics> Metrics { get; init; }
}

/// <summary>How many messages each endpoint queue held when Operations looked; a repeat of the same time is a repeat.</summary>
public sealed record QueueLengthsSampled
{
    public required DateTimeOffset SampledAt { get; init; }
    public required IReadOnlyList<QueueLengthSample> Queues { get; init; }
}

/// <summary>One queue's length, attributed to the endpoint whose heartbeats name the queue.</summary>
public sealed record QueueLengthSample
{
    public required string Endpoint { get; init; }
    public required string Queue { get; init; }
    public required long Messages { get; init; }
}
