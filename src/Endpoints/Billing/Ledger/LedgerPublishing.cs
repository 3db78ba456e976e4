using MassTransit;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Ledger;

public static class LedgerPublishing
{
    /// <summary>Appends the entry and, when it is new, publishes <see cref="LedgerEntryRecorded"/> in the same transaction.</summary>
    public static async Task AppendAndPublishAsync(this LedgerStore ledger, SqlSession session, ConsumeContext context, LedgerEntry entry)
    {
        if (!await ledger.AppendAsync(session, entry, context.CancellationToken))
            return;

        await context.Publish(new LedgerEntryRecorded
        {
            EntryId = entry.EntryId,
            LeaseId = entry.LeaseId,
            Kind = entry.Kind,
            Amount = entry.Amount,
            ChargeId = entry.ChargeId,
            Reverses = entry.Reverses,
            OccurredAt = entry.OccurredAt,
            RecordedAt = entry.RecordedAt,
        }, context.CancellationToken);
    }
}
