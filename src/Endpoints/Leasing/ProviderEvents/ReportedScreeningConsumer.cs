using MassTransit;

namespace Orchestration.Endpoints.Leasing.ProviderEvents;

/// <summary>
/// Passes the provider's screening decision on to the lease (<see cref="ScreeningCompleted"/>) only when it is the
/// screening Leasing requested for it; another screening is a discrepancy and decides nothing.
/// </summary>
public sealed class ReportedScreeningConsumer(
    SqlSession session,
    LeasingStore store,
    ReportedProviderEvents reported,
    ILogger<ReportedScreeningConsumer> logger) : IConsumer<ScreeningResultReported>
{
    const string EventType = "screening.completed";

    public async Task Consume(ConsumeContext<ScreeningResultReported> context)
    {
        var result = context.Message;
        var ours = await store.FindScreeningAsync(session, result.LeaseId, context.CancellationToken);
        if (ours == result.ScreeningId)
        {
            await context.Publish(new ScreeningCompleted
            {
                LeaseId = result.LeaseId,
                Approved = result.Approved,
                Reason = result.Reason,
                ScreeningId = result.ScreeningId,
            }, context.CancellationToken);
            return;
        }

        if (ours is null)
        {
            await reported.UnmatchedAsync(context, ReportedProviderEvents.Screening, result.EventId, EventType, result.LeaseId, result.ScreeningId,
                $"Screening {result.ScreeningId} is not one Leasing requested: the lease has no screening.", result.OccurredAt, result.ReceivedAt);
        }
        else
        {
            await reported.MismatchAsync(context, ReportedProviderEvents.Screening, result.EventId, EventType, result.LeaseId, result.ScreeningId,
                $"Screening {result.ScreeningId} is not the lease's screening {ours}.", result.OccurredAt);
        }

        logger.LogWarning("Provider event {EventId} ({EventType}) names screening {ScreeningId}, not the screening of lease {LeaseId}; recorded, not applied",
            result.EventId, EventType, result.ScreeningId, result.LeaseId);
    }
}
