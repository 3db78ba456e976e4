using System.Globalization;
using MassTransit;
using Orchestration.Endpoints.Devices.Locks;
using Orchestration.Endpoints.Devices.Mqtt;
using Orchestration.Messages.Devices;
using Orchestration.Messages.Leasing;

namespace Orchestration.Endpoints.Devices.AccessCodes;

/// <summary>
/// Keeps one access code per lease in <c>access_codes</c> and announces it with <see cref="AccessCodeIssued"/>. When the
/// unit has a lock, the code goes to the lock first and <see cref="AccessCodeIssued"/> follows the lock's acknowledgement
/// (<see cref="DevicePayloadHandler"/>); without one it is announced at once. Issuing again for a lease that has a code
/// stores nothing and announces the same <c>AccessCodeId</c> (a repeat to a lock sends nothing new), so a saga that
/// missed the first event still gets it. A lease whose code was revoked (even before it was issued) gets no code. The
/// code is stored only as a hash and never leaves this endpoint on the bus or in a log.
/// </summary>
public sealed class AccessCodeConsumer(
    SqlSession session, DevicesStore store, LockCommandSender locks, TimeProvider time, ILogger<AccessCodeConsumer> logger)
    : IConsumer<IssueAccessCode>, IConsumer<RevokeAccessCode>
{
    public async Task Consume(ConsumeContext<IssueAccessCode> context)
    {
        var command = context.Message;
        var existing = await store.FindAccessCodeAsync(session, command.LeaseId, context.CancellationToken);
        if (existing is null)
        {
            var code = new NewAccessCode(command.LeaseId, NewId.NextGuid(), command.PropertyId, command.UnitId, command.TenantId,
                AccessCode.Hash(AccessCode.NewCode()), command.ValidFrom, command.ValidThrough);
            if (await store.TryIssueAsync(session, code, time.GetUtcNow().ToUnixTimeMilliseconds(), context.CancellationToken))
                logger.LogInformation("Access code {AccessCodeId} issued for lease {LeaseId} on unit {UnitId}", code.AccessCodeId, command.LeaseId, command.UnitId);
            existing = await store.FindAccessCodeAsync(session, command.LeaseId, context.CancellationToken);
        }

        if (existing is not { AccessCodeId: { } accessCodeId, IssuedAt: { } issuedAt, RevokedAt: null })
        {
            logger.LogInformation("Access code of lease {LeaseId} was revoked; not issuing one", command.LeaseId);
            return;
        }

        if (await locks.LockOfAsync(session, command.UnitId, context.CancellationToken) is { } device)
        {
            var hash = await locks.IssueAsync(session, device, DeviceIds.From("issue-code", command.LeaseId), command.LeaseId, null, accessCodeId,
                command.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                command.ValidThrough.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), context.CancellationToken);
            if (hash is not null)
                await store.ReplaceCodeHashAsync(session, command.LeaseId, hash, context.CancellationToken);
            return;
        }

        await context.Publish(new AccessCodeIssued { LeaseId = command.LeaseId, AccessCodeId = accessCodeId, IssuedAt = issuedAt }, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<RevokeAccessCode> context)
    {
        var command = context.Message;
        await store.MarkRevokedAsync(session, command.LeaseId, command.PropertyId, command.UnitId, command.Reason, time.GetUtcNow().ToUnixTimeMilliseconds(),
            context.CancellationToken);
        logger.LogInformation("Access code {AccessCodeId} of lease {LeaseId} revoked: {Reason}", command.AccessCodeId, command.LeaseId, command.Reason);
        var issue = await locks.FindAsync(session, DeviceIds.From("issue-code", command.LeaseId), context.CancellationToken);
        if (issue is not null && await locks.LockOfAsync(session, command.UnitId, context.CancellationToken) is { DeviceId: var lockId } device
            && lockId == issue.DeviceId)
            await locks.RevokeAsync(session, device, DeviceIds.From("revoke-code", command.LeaseId), command.LeaseId, null, issue.AccessCodeId,
                context.CancellationToken);
    }
}
