using MassTransit;

namespace Orchestration.Endpoints.Leasing.ESignature;

/// <summary>Renders the lease and keeps it for the envelope; a repeat stores nothing new and announces the same document.</summary>
public sealed class PrepareLeaseDocumentConsumer(SqlSession session, LeasingStore store, TimeProvider time, ILogger<PrepareLeaseDocumentConsumer> logger)
    : IConsumer<PrepareLeaseDocument>
{
    public async Task Consume(ConsumeContext<PrepareLeaseDocument> context)
    {
        var document = LeaseDocument.Render(context.Message);
        await store.SaveDocumentAsync(session, document, time.GetUtcNow().ToUnixTimeMilliseconds(), context.CancellationToken);
        await context.Publish(new LeaseDocumentPrepared { LeaseId = document.LeaseId, DocumentId = document.DocumentId }, context.CancellationToken);

        logger.LogInformation("Prepared document {DocumentId} for lease {LeaseId}", document.DocumentId, document.LeaseId);
    }
}
