using System.Globalization;
using MassTransit;
using Orchestration.Messages.Reconciliation;

namespace Orchestration.Endpoints.Billing.Payments;

/// <summary>
/// What a payment event that moved nothing becomes, for move-in funds and rent alike: a
/// <see cref="ProviderEventDiscrepancyRecorded"/> for the staff who reconcile, with amounts shown as they read them.
/// </summary>
public static class PaymentDiscrepancies
{
    public static Task PublishAsync(ConsumeContext context, string eventId, string eventType, string kind, string reason, Guid? leaseId,
        string paymentIntentId, Money amount, DateTimeOffset occurredAt, DateTimeOffset recordedAt) =>
        context.Publish(new ProviderEventDiscrepancyRecorded
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

    public static string Display(Money money) => $"{money.Amount.ToString("N2", CultureInfo.InvariantCulture)} {money.Currency}";
}
