using MassTransit;

namespace Orchestration.Endpoints.Leasing.ESignature;

/// <summary>
/// Voids the lease's envelope: the one named by the command, or else the one stored for the lease. The lease is marked
/// voided either way, so a <see cref="RequestTenantSignature"/> still in the queue behind this command creates no
/// envelope. No envelope at all is nothing to void: a request for the tenant's signature creating one at this moment
/// finds the lease voided when it records it, and has it voided in turn. An envelope already voided (a repeat) is done
/// already. Runs with no transaction open while the provider answers (<c>CallsThirdParties</c>).
/// </summary>
public sealed class VoidLeaseSignaturesConsumer(
    SqlSession session,
    LeasingStore store,
    ESignatureClient esignature,
    TimeProvider time,
    ILogger<VoidLeaseSignaturesConsumer> logger) : IConsumer<VoidLeaseSignatures>
{
    public async Task Consume(ConsumeContext<VoidLeaseSignatures> context)
    {
        var command = context.Message;
        // Marked in a step of its own, committed before the provider is called, so that an envelope being created now is
        // either on record here or finds the lease voided when it is recorded.
        var envelopeId = await session.StepAsync(async ct =>
        {
            await store.MarkVoidedAsync(session, command.LeaseId, command.Reason, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
            return command.EnvelopeId ?? (await store.FindEnvelopeAsync(session, command.LeaseId, ct))?.EnvelopeId;
        }, context.CancellationToken);

        if (envelopeId is null)
        {
            logger.LogInformation("Lease {LeaseId} has no envelope; nothing to void", command.LeaseId);
            return;
        }

        try
        {
            await esignature.VoidAsync(envelopeId, command.Reason, LeaseReference.IdempotencyKey(command.LeaseId, "void"), context.CancellationToken);
        }
        catch (ProviderRejectedException rejected) when (rejected.Code == "invalid_state")
        {
            // A repeat finds the envelope already voided: the step is done. Any other state is a real refusal.
            if (await esignature.StatusAsync(envelopeId, context.CancellationToken) != EnvelopeStatus.Voided)
                throw;
        }

        logger.LogInformation("Voided envelope {EnvelopeId} of lease {LeaseId}", envelopeId, command.LeaseId);
    }
}
