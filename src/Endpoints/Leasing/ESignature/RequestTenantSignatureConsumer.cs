using MassTransit;

namespace Orchestration.Endpoints.Leasing.ESignature;

/// <summary>
/// Sends the prepared lease to the applicant in an envelope and keeps its id and signing URL. A lease that already has
/// an envelope announces that one again; a lease voided before its envelope existed gets none. The
/// <c>Idempotency-Key</c> makes a call repeated after a lost commit return the envelope the first call created.
/// </summary>
public sealed class RequestTenantSignatureConsumer(
    SqlSession session,
    LeasingStore store,
    ESignatureClient esignature,
    TimeProvider time,
    ILogger<RequestTenantSignatureConsumer> logger) : IConsumer<RequestTenantSignature>
{
    public async Task Consume(ConsumeContext<RequestTenantSignature> context)
    {
        var command = context.Message;
        var existing = await store.FindEnvelopeAsync(session, command.LeaseId, context.CancellationToken);
        if (existing is { VoidedAt: not null })
        {
            logger.LogInformation("Lease {LeaseId} was voided before its envelope was sent; sending none", command.LeaseId);
            return;
        }

        var envelopeId = existing?.EnvelopeId;
        var signingUrl = existing?.SigningUrl;
        if (envelopeId is null)
        {
            var document = await store.FindDocumentAsync(session, command.DocumentId, context.CancellationToken)
                ?? throw new LeaseDocumentMissingException(command.LeaseId, command.DocumentId);
            var envelope = await esignature.CreateEnvelopeAsync(document.Name, document.Content, command.ApplicantName, command.ApplicantEmail,
                LeaseReference.Of(command.LeaseId), LeaseReference.IdempotencyKey(command.LeaseId, "envelope"), context.CancellationToken);
            await store.RecordEnvelopeAsync(session, command.LeaseId, envelope.EnvelopeId, envelope.SigningUrl, time.GetUtcNow().ToUnixTimeMilliseconds(),
                context.CancellationToken);
            envelopeId = envelope.EnvelopeId;
            signingUrl = envelope.SigningUrl;
            logger.LogInformation("Sent envelope {EnvelopeId} of lease {LeaseId} for signature", envelopeId, command.LeaseId);
        }

        if (signingUrl is null)
            throw new InvalidOperationException($"Envelope {envelopeId} of lease {command.LeaseId} has no signing URL on record.");

        await context.Publish(new TenantSignatureRequested { LeaseId = command.LeaseId, EnvelopeId = envelopeId, SigningUrl = signingUrl },
            context.CancellationToken);
    }
}
