using MassTransit;

namespace Orchestration.Endpoints.Leasing.ESignature;

/// <summary>
/// Countersigns the tenant-signed envelope for the landlord. The provider's <c>envelope.completed</c> webhook then
/// reports it (handled elsewhere). Countersigning an envelope already completed, as a repeat does, is done already. Runs
/// with no transaction open while the provider answers (<c>CallsThirdParties</c>).
/// </summary>
public sealed class RequestLandlordCountersignatureConsumer(
    SqlSession session,
    LeasingStore store,
    ESignatureClient esignature,
    TimeProvider time,
    ILogger<RequestLandlordCountersignatureConsumer> logger) : IConsumer<RequestLandlordCountersignature>
{
    public async Task Consume(ConsumeContext<RequestLandlordCountersignature> context)
    {
        var command = context.Message;
        var envelopeId = command.EnvelopeId
            ?? (await session.ReadStepAsync(ct => store.FindEnvelopeAsync(session, command.LeaseId, ct), context.CancellationToken))?.EnvelopeId
            ?? throw new EnvelopeMissingException(command.LeaseId);

        try
        {
            await esignature.CountersignAsync(envelopeId, LeaseReference.IdempotencyKey(command.LeaseId, "countersignature"), context.CancellationToken);
        }
        catch (ProviderRejectedException rejected) when (rejected.Code == "invalid_state")
        {
            // A repeat finds the envelope already completed: the step is done. Any other state is a real refusal.
            if (await esignature.StatusAsync(envelopeId, context.CancellationToken) != EnvelopeStatus.Completed)
                throw;
        }

        store.MarkCountersigned(session, command.LeaseId, time.GetUtcNow().ToUnixTimeMilliseconds());
        logger.LogInformation("Countersigned envelope {EnvelopeId} of lease {LeaseId}", envelopeId, command.LeaseId);
    }
}
