using MassTransit;
using Orchestration.Endpoints.Devices.Locks;
using Orchestration.Endpoints.Devices.Mqtt;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Endpoints.Devices.AccessCodes;

/// <summary>
/// A vendor's code for one visit window. With a lock on the unit it goes to the lock and
/// <see cref="VisitAccessCodeIssued"/> follows the lock's acknowledgement; without one it is announced at once. The
/// work order's commands have ids derived from it, so a repeat sends nothing new.
/// </summary>
public sealed class VisitAccessCodeConsumer(SqlSession session, LockCommandSender locks, TimeProvider time, ILogger<VisitAccessCodeConsumer> logger)
    : IConsumer<IssueVisitAccessCode>, IConsumer<RevokeVisitAccessCode>
{
    public async Task Consume(ConsumeContext<IssueVisitAccessCode> context)
    {
        var command = context.Message;
        var accessCodeId = DeviceIds.From("visit-code", command.WorkOrderId);
        if (await locks.LockOfAsync(session, command.UnitId, context.CancellationToken) is { } device)
        {
            await locks.IssueAsync(session, device, DeviceIds.From("issue-code", command.WorkOrderId), null, command.WorkOrderId, accessCodeId,
                command.ValidFrom.UtcDateTime.ToString("O"), command.ValidUntil.UtcDateTime.ToString("O"), context.CancellationToken);
            return;
        }

        await context.Publish(new VisitAccessCodeIssued { WorkOrderId = command.WorkOrderId, AccessCodeId = accessCodeId, IssuedAt = time.GetUtcNow() },
            context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<RevokeVisitAccessCode> context)
    {
        var command = context.Message;
        var issue = await locks.FindAsync(session, DeviceIds.From("issue-code", command.WorkOrderId), context.CancellationToken);
        if (issue is null || await locks.LockOfAsync(session, command.UnitId, context.CancellationToken) is not { } device || device.DeviceId != issue.DeviceId)
            return;
        await locks.RevokeAsync(session, device, DeviceIds.From("revoke-code", command.WorkOrderId), null, command.WorkOrderId, issue.AccessCodeId,
            context.CancellationToken);
        logger.LogInformation("Visit code of work order {WorkOrderId} revoked: {Reason}", command.WorkOrderId, command.Reason);
    }
}
