using System.Diagnostics.Metrics;
using MassTransit;
using Orchestration.Messages.Reconciliation;

namespace Orchestration.Endpoints.Gateway.Reconciliation;

/// <summary>
/// Keeps every provider event that moved nothing for staff to reconcile, once per provider and event id, and counts
/// each one on <c>orchestration.webhooks.discrepancies</c> (tagged by provider and kind) as it is first kept.
/// </summary>
public sealed class DiscrepancyProjectionConsumer(SqlSession session, DiscrepancyStore store, DiscrepancyMetrics metrics,
    ILogger<DiscrepancyProjectionConsumer> logger) : IConsumer<ProviderEventDiscrepancyRecorded>
{
    public async Task Consume(ConsumeContext<ProviderEventDiscrepancyRecorded> context)
    {
        var discrepancy = context.Message;
        if (!await store.TryRecordAsync(session, discrepancy, context.CancellationToken))
            return;

        logger.LogWarning("Kept {Provider} event {EventId} ({EventType}) as a {Kind} discrepancy", discrepancy.Provider, discrepancy.EventId,
            discrepancy.EventType, discrepancy.Kind);
        // Counted once the row is committed, so a transaction that rolls back and is retried counts once.
        session.Committed += Count;

        void Count()
        {
            session.Committed -= Count;
            metrics.Recorded(discrepancy.Provider, discrepancy.Kind);
        }
    }
}

/// <summary>The Gateway's meter for what its webhooks received that matched nothing.</summary>
public sealed class DiscrepancyMetrics
{
    public const string MeterName = "Orchestration.Gateway";
    public const string CounterName = "orchestration.webhooks.discrepancies";

    readonly Counter<long> _discrepancies;

    public DiscrepancyMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _discrepancies = meter.CreateCounter<long>(CounterName, unit: "{event}",
            description: "Signed provider events that matched nothing the platform asked for, by provider and kind.");
    }

    public void Recorded(string provider, string kind) =>
        _discrepancies.Add(1, new KeyValuePair<string, object?>("provider", provider), new KeyValuePair<string, object?>("kind", kind));
}
