using MassTransit;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Ledger;

/// <summary>Writes one entry the rent-collection saga asks for; an entry id written before writes nothing.</summary>
public sealed class RecordLedgerEntryConsumer(SqlSession session, LedgerStore ledger, TimeProvider time) : IConsumer<RecordLedgerEntry>
{
    public Task Consume(ConsumeContext<RecordLedgerEntry> context)
    {
        var entry = context.Message;
        return ledger.AppendAndPublishAsync(session, context, new LedgerEntry(entry.EntryId, entry.LeaseId, entry.Kind, entry.Amount, entry.ChargeId, entry.OccurredAt,
            time.GetUtcNow(), entry.Reverses));
    }
}
