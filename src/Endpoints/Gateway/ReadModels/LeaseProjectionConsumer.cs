using MassTransit;

namespace Orchestration.Endpoints.Gateway.ReadModels;

/// <summary>
/// Keeps the lease read models (leases, their timelines, tenants) and unit occupancy in step with Leasing's events. Delivery
/// is at least once and in no guaranteed order, so every event is applied as a fact about the lease rather than as a
/// command: a step is recorded once per sequence number, the state moves only forward, the first final state stays, and
/// the unit and the tenant are derived again from the lease each time. A duplicate therefore changes nothing, and the
/// same events in any order leave the same rows.
/// </summary>
public sealed class LeaseProjectionConsumer(SqlSession session, LeaseReadModel leases, LeaseFollowUp followUp, TimeProvider time) :
    IConsumer<LeaseSigningProgressed>,
    IConsumer<LeaseApplicationSubmitted>,
    IConsumer<LeaseActivated>,
    IConsumer<LeaseApplicationDeclined>,
    IConsumer<LeaseOfferLapsed>,
    IConsumer<LeaseCancelled>
{
    public async Task Consume(ConsumeContext<LeaseSigningProgressed> context)
    {
        var step = context.Message;
        await leases.AppendTimelineAsync(session, step.LeaseId, new TimelineEntry(step.Sequence, step.State, step.Step, step.OccurredAt, step.Detail),
            context.CancellationToken);
        await ApplyAsync(step.LeaseId, step.PropertyId, step.UnitId, lease => lease.With(step), tenant: null, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<LeaseApplicationSubmitted> context)
    {
        var submitted = context.Message;
        return ApplyAsync(submitted.LeaseId, submitted.PropertyId, submitted.UnitId, lease => lease.With(submitted),
            (submitted.ApplicantId, submitted.ApplicantName, submitted.ApplicantEmail), context.CancellationToken);
    }

    public Task Consume(ConsumeContext<LeaseActivated> context)
    {
        var activated = context.Message;
        return ApplyAsync(activated.LeaseId, activated.PropertyId, activated.UnitId, lease => lease.With(activated), tenant: null, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<LeaseApplicationDeclined> context)
    {
        var declined = context.Message;
        return ApplyAsync(declined.LeaseId, declined.PropertyId, declined.UnitId, lease => lease.EndedAs(LeaseSigningStates.Declined, declined.DeclinedAt),
            tenant: null, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<LeaseOfferLapsed> context)
    {
        var lapsed = context.Message;
        return ApplyAsync(lapsed.LeaseId, lapsed.PropertyId, lapsed.UnitId, lease => lease.EndedAs(LeaseSigningStates.Lapsed, lapsed.LapsedAt),
            tenant: null, context.CancellationToken);
    }

    public Task Consume(ConsumeContext<LeaseCancelled> context)
    {
        var cancelled = context.Message;
        return ApplyAsync(cancelled.LeaseId, cancelled.PropertyId, cancelled.UnitId, lease => lease.EndedAs(LeaseSigningStates.Cancelled, cancelled.CancelledAt),
            tenant: null, context.CancellationToken);
    }

    async Task ApplyAsync(Guid leaseId, Guid propertyId, Guid unitId, Func<LeaseRecord, LeaseRecord> apply, (Guid Id, string Name, string? Email)? tenant,
        CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        await leases.InsertLeaseAsync(session, LeaseRecord.FirstHeardOf(leaseId, propertyId, unitId, now), cancellationToken);
        var known = await leases.LockLeaseAsync(session, leaseId, cancellationToken)
            ?? throw new InvalidOperationException($"Lease {leaseId} vanished while its event was applied.");

        var lease = apply(known);
        if (lease != known)
            await leases.SaveLeaseAsync(session, lease, cancellationToken);

        var contact = tenant is { } t && t.Id == lease.TenantId ? (t.Name, t.Email) : ((string, string?)?)null;
        await followUp.ApplyAsync(session, lease, contact, now, cancellationToken);
    }
}
