using System.Globalization;
using MassTransit;
using Orchestration.Endpoints.Billing.Reconciliation;
using Orchestration.Messages.Reconciliation;

namespace Orchestration.Endpoints.Billing.Payments;

/// <summary>
/// What a payment event that moved nothing becomes, for move-in funds and rent alike: a
/// <see cref="ProviderEventDiscrepancyRecorded"/> for the staff who reconcile, with amounts shown as they read them, and a
/// row of Billing's own, in the handler's transaction, for the reconciliation report's unmatched events.
/// </summary>
public static class PaymentDiscrepancies
{
    public static async Task PublishAsync(ConsumeContext context, SqlSession session, ReconciliationStore reconciliation, string eventId, string eventType,
        string kind, string reason, Guid? leaseId, string paymentIntentId, Money amount, DateTimeOffset occurredAt, DateTimeOffset recordedAt)
    {
        await reconciliation.RecordEventAsync(session, eventId, eventType, kind, reason, paymentIntentId, leaseId, amount, occurredAt,
            context.CancellationToken);
        await context.Publish(new ProviderEventDiscrepancyRecorded
        {
            Provider = PaymentIntentEventsConsumer.Provider,
            EventId = eventId,
            EventType = eventType,
            Kind = kind,
            Reason = reason,
            LeaseId = leaseId,
            ProviderReference = paymentIntentId,
            Amount = amount,
            OccurredAt = occurredAt,
            RecordedAt = recordedAt,
        }, context.CancellationToken);
    }

    public static string Display(Money money) => $"{money.Amount.ToString("N2", CultureInfo.InvariantCulture)} {money.Currency}";
}
