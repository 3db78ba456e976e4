using MassTransit;

namespace Orchestration.Endpoints.Leasing.UnitHolds;

/// <summary>
/// Keeps one active hold per unit in <c>unit_holds</c>. Holding a unit again for the lease that holds it, or releasing
/// a hold that is gone, changes nothing. Holding a unit that another lease holds is refused with
/// <see cref="UnitAlreadyHeldException"/>, which is unrecoverable: the command goes to the error queue after one
/// attempt, with the holding lease in the fault, for an operator to settle (the saga has no "hold refused" event to
/// react to). Releasing on behalf of a lease that does not hold the unit leaves the other lease's hold alone.
/// </summary>
public sealed class UnitHoldConsumer(SqlSession session, LeasingStore store, TimeProvider time, ILogger<UnitHoldConsumer> logger)
    : IConsumer<HoldUnit>, IConsumer<ReleaseUnitHold>
{
    public async Task Consume(ConsumeContext<HoldUnit> context)
    {
        var command = context.Message;
        var holder = await store.HoldUnitAsync(session, command.UnitId, command.PropertyId, command.LeaseId, time.GetUtcNow().ToUnixTimeMilliseconds(),
            context.CancellationToken);
        if (holder != command.LeaseId)
            throw new UnitAlreadyHeldException(command.UnitId, command.LeaseId, holder);

        logger.LogInformation("Unit {UnitId} held for lease {LeaseId}", command.UnitId, command.LeaseId);
    }

    public async Task Consume(ConsumeContext<ReleaseUnitHold> context)
    {
        var command = context.Message;
        if (await store.ReleaseUnitAsync(session, command.UnitId, command.LeaseId, context.CancellationToken))
            logger.LogInformation("Unit {UnitId} released by lease {LeaseId}: {Reason}", command.UnitId, command.LeaseId, command.Reason);
        else
            logger.LogInformation("Lease {LeaseId} holds no hold on unit {UnitId}; nothing to release", command.LeaseId, command.UnitId);
    }
}
