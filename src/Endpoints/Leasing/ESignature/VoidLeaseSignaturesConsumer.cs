using MassTransit;

namespace Orchestration.Endpoints.Leasing.ESignature;

/// <summary>
/// Voids the lease's envelope: the one named by the command, or else the one stored for the lease. The lease is marked
/// voided either way, so a <see cref="RequestTenantSignature"/> still in the queue behind this command creates no
/// envelope. No envelope at all is nothing to void. An envelope already voided (a repeat) is done already.
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
        var envelopeId = command.EnvelopeId ?? (await store.FindEnvelopeAsync(session, command.LeaseId, context.CancellationToken))?.EnvelopeId;
        await store.MarkVoidedAsync(session, command.LeaseId, command.Reason, time.GetUtcNow().ToUnixTimeMilliseconds(), context.CancellationToken);

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
