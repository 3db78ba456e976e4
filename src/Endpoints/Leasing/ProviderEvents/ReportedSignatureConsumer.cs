using MassTransit;

namespace Orchestration.Endpoints.Leasing.ProviderEvents;

/// <summary>
/// Passes the provider's signature and countersignature on to the lease (<see cref="TenantSigned"/>,
/// <see cref="LandlordCountersigned"/>) only when they are about the envelope Leasing created for it; another envelope
/// is a discrepancy and moves nothing.
/// </summary>
public sealed class ReportedSignatureConsumer(
    SqlSession session,
    LeasingStore store,
    ReportedProviderEvents reported,
    ILogger<ReportedSignatureConsumer> logger) : IConsumer<TenantSignatureReported>, IConsumer<CountersignatureReported>
{
    public async Task Consume(ConsumeContext<TenantSignatureReported> context)
    {
        var signed = context.Message;
        if (await CheckAsync(context, signed.EventId, "envelope.signed", signed.LeaseId, signed.EnvelopeId, signed.SignedAt, signed.ReceivedAt))
            await context.Publish(new TenantSigned { LeaseId = signed.LeaseId, EnvelopeId = signed.EnvelopeId, SignedAt = signed.SignedAt },
                context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<CountersignatureReported> context)
    {
        var completed = context.Message;
        if (await CheckAsync(context, completed.EventId, "envelope.completed", completed.LeaseId, completed.EnvelopeId, completed.CountersignedAt,
                completed.ReceivedAt))
        {
            await context.Publish(new LandlordCountersigned
            {
                LeaseId = completed.LeaseId,
                CountersignedBy = completed.CountersignedBy,
                CountersignedAt = completed.CountersignedAt,
            }, context.CancellationToken);
        }
    }

    async Task<bool> CheckAsync(ConsumeContext context, string eventId, string eventType, Guid leaseId, string envelopeId,
        DateTimeOffset occurredAt, DateTimeOffset receivedAt)
    {
        var ours = (await store.FindEnvelopeAsync(session, leaseId, context.CancellationToken))?.EnvelopeId;
        if (ours == envelopeId)
            return true;

        if (ours is null)
        {
            await reported.UnmatchedAsync(context, ReportedProviderEvents.ESignature, eventId, eventType, leaseId, envelopeId,
                $"Envelope {envelopeId} is not one Leasing created: the lease has no envelope.", occurredAt, receivedAt);
        }
        else
        {
            await reported.MismatchAsync(context, ReportedProviderEvents.ESignature, eventId, eventType, leaseId, envelopeId,
                $"Envelope {envelopeId} is not the lease's envelope {ours}.", occurredAt);
        }

        logger.LogWarning("Provider event {EventId} ({EventType}) names envelope {EnvelopeId}, not the envelope of lease {LeaseId}; recorded, not applied",
            eventId, eventType, envelopeId, leaseId);
        return false;
    }
}
