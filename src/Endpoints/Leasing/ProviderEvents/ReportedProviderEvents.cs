using MassTransit;
using Orchestration.Messages.Reconciliation;

namespace Orchestration.Endpoints.Leasing.ProviderEvents;

/// <summary>
/// What Leasing does with a provider's event it cannot match to its own request: within <see cref="LeasingOptions.ProviderEventGrace"/>
/// of its arrival the request may still be committing here (the provider answered, our transaction has not ended), so
/// the event is retried; after it, the event is recorded as a discrepancy and moves nothing.
/// </summary>
public sealed class ReportedProviderEvents(IOptions<LeasingOptions> options, TimeProvider time)
{
    public const string ESignature = DiscrepancyProviders.ESignature;
    public const string Screening = DiscrepancyProviders.Screening;

    /// <summary>The provider names a request of ours for the lease, but not the one we made.</summary>
    public Task MismatchAsync(ConsumeContext context, string provider, string eventId, string eventType, Guid leaseId, string reference,
        string reason, DateTimeOffset occurredAt) =>
        context.Publish(Discrepancy(provider, eventId, eventType, DiscrepancyKinds.Mismatch, leaseId, reference, reason, occurredAt),
            context.CancellationToken);

    /// <summary>We have no request on record for the lease: retried while it may still be committing, then unmatched.</summary>
    public Task UnmatchedAsync(ConsumeContext context, string provider, string eventId, string eventType, Guid leaseId, string reference,
        string reason, DateTimeOffset occurredAt, DateTimeOffset receivedAt)
    {
        if (time.GetUtcNow() - receivedAt < options.Value.ProviderEventGrace)
            throw new ProviderEventNotPlacedYetException(provider, eventId, leaseId);
        return context.Publish(Discrepancy(provider, eventId, eventType, DiscrepancyKinds.Unmatched, leaseId, reference, reason, occurredAt),
            context.CancellationToken);
    }

    ProviderEventDiscrepancyRecorded Discrepancy(string provider, string eventId, string eventType, string kind, Guid leaseId, string reference,
        string reason, DateTimeOffset occurredAt) => new()
    {
        Provider = provider,
        EventId = eventId,
        EventType = eventType,
        Kind = kind,
        Reason = reason,
        LeaseId = leaseId,
        ProviderReference = reference,
        OccurredAt = occurredAt,
        RecordedAt = time.GetUtcNow(),
    };
}
