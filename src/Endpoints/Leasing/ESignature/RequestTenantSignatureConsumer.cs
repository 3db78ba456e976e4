using MassTransit;

namespace Orchestration.Endpoints.Leasing.ESignature;

/// <summary>
/// Sends the prepared lease to the applicant in an envelope and keeps its id and signing URL. A lease that already has
/// an envelope announces that one again; a lease voided before its envelope existed gets none. The
/// <c>Idempotency-Key</c> makes a call repeated after a lost commit (or by a copy handled at the same moment) return the
/// envelope the first call created. Runs with no transaction open while the provider answers (<c>CallsThirdParties</c>),
/// so a void can be handled meanwhile: it finds no envelope yet, and this consumer, finding the lease voided when it
/// records the envelope, has that envelope voided instead of announcing it.
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
        var (existing, document) = await session.ReadStepAsync(async ct =>
        {
            var envelope = await store.FindEnvelopeAsync(session, command.LeaseId, ct);
            return (envelope, envelope?.EnvelopeId is null ? await store.FindDocumentAsync(session, command.DocumentId, ct) : null);
        }, context.CancellationToken);

        if (existing is { VoidedAt: not null })
        {
            if (existing.EnvelopeId is { } created)
            {
                // Created while the lease was being voided, and recorded since: the void may not have reached it.
                await VoidAsync(context, created, existing.VoidReason);
                return;
            }

            logger.LogInformation("Lease {LeaseId} was voided before its envelope was sent; sending none", command.LeaseId);
            return;
        }

        var envelopeId = existing?.EnvelopeId;
        var signingUrl = existing?.SigningUrl;
        if (envelopeId is null)
        {
            if (document is null)
                throw new LeaseDocumentMissingException(command.LeaseId, command.DocumentId);
            var envelope = await esignature.CreateEnvelopeAsync(document.Name, document.Content, command.ApplicantName, command.ApplicantEmail,
                LeaseReference.Of(command.LeaseId), LeaseReference.IdempotencyKey(command.LeaseId, "envelope"), context.CancellationToken);
            var voided = await session.StepAsync(ct => store.RecordEnvelopeAsync(session, command.LeaseId, envelope.EnvelopeId, envelope.SigningUrl,
                time.GetUtcNow().ToUnixTimeMilliseconds(), ct), context.CancellationToken);
            if (voided is not null)
            {
                await VoidAsync(context, envelope.EnvelopeId, voided);
                return;
            }

            envelopeId = envelope.EnvelopeId;
            signingUrl = envelope.SigningUrl;
            logger.LogInformation("Sent envelope {EnvelopeId} of lease {LeaseId} for signature", envelopeId, command.LeaseId);
        }

        if (signingUrl is null)
            throw new InvalidOperationException($"Envelope {envelopeId} of lease {command.LeaseId} has no signing URL on record.");

        await context.Publish(new TenantSignatureRequested { LeaseId = command.LeaseId, EnvelopeId = envelopeId, SigningUrl = signingUrl },
            context.CancellationToken);
    }

    // The void consumer does it, under its own idempotency key and for the lease's reason; a repeat finds it voided already.
    async Task VoidAsync(ConsumeContext<RequestTenantSignature> context, string envelopeId, string? reason)
    {
        logger.LogInformation("Lease {LeaseId} was voided while envelope {EnvelopeId} was being created; voiding it", context.Message.LeaseId, envelopeId);
        var voids = await context.GetSendEndpoint(new Uri($"queue:{CommandRoutes.ESignature}"));
        await voids.Send(new VoidLeaseSignatures { LeaseId = context.Message.LeaseId, EnvelopeId = envelopeId, Reason = reason ?? "voided" },
            context.CancellationToken);
    }
}
