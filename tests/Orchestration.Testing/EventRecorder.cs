using MassTransit;

namespace Orchestration.Testing;

/// <summary>
/// Subscribes a test's probe queue to one event type and records every copy it receives. It listens as a real
/// subscriber rather than observing publishes, because under the outbox a publish is only captured in the handler's
/// transaction: an observer would also see what a rolled-back attempt published, and delivery sends the stored body.
/// </summary>
public sealed class EventRecorder<T>(PublishedEvents events) : IConsumer<T>
    where T : class
{
    public Task Consume(ConsumeContext<T> context)
    {
        events.Add(context.Message);
        return Task.CompletedTask;
    }
}
