using System.Globalization;
using MassTransit;
using Orchestration.Endpoints.Billing.Reconciliation;
using Orchestration.Endpoints.Billing.Rent;
using Orchestration.Messages.Billing;
using Orchestration.Messages.Leasing;
using Orchestration.Messages.Reconciliation;

namespace Orchestration.Endpoints.Billing.Payments;

/// <summary>
/// Holds what the payment gateway reports against what Billing asked it for. Only an intent Billing created, for the
/// lease it was created for, with exactly the amount and currency requested, moves the lease: its success becomes
/// <see cref="MoveInFundsReceived"/>, with the funds posted to the lease's ledger (<see cref="MoveInLedger"/>), and its failure <see cref="MoveInPaymentFailed"/> (with the hosted page where the
/// tenant can pay it again). Anything else is published as <see cref="ProviderEventDiscrepancyRecorded"/> for staff to
/// reconcile, and changes nothing. An intent made for a rent charge (<c>metadata[rent_charge]</c>) is held against that
/// charge instead, by <see cref="RentPayments"/>. A payment for a request the lease has since withdrawn is passed on too: the saga
/// has ended by then and drops it, and the withdrawal itself refunds what was paid (<see cref="CancelMoveInFundsRequestConsumer"/>).
/// </summary>
/// <remarks>
/// The gateway announces a card payment as soon as it is made, often before Billing's request has committed the intent
/// it got back. An event naming our request therefore first waits for that request's transaction to end
/// (<see cref="BillingStore.AwaitRequestAsync"/>). When the request has still not recorded the intent (its transaction
/// failed after the gateway took the charge, and its redelivery will record it), the event fails with
/// <see cref="MoveInPaymentNotRecordedException"/> and is retried later, rather than reported as a discrepancy.
/// </remarks>
public sealed class PaymentIntentEventsConsumer(
    SqlSession session,
    BillingStore store,
    RentPayments rentPayments,
    MoveInLedger moveInLedger,
    ReconciliationStore reconciliation,
    TimeProvider time,
    ILogger<PaymentIntentEventsConsumer> logger) : IConsumer<PaymentIntentSucceeded>, IConsumer<PaymentIntentFailed>
{
    /// <summary>The webhook the events come in on, as the Gateway names it.</summary>
    public const string Provider = DiscrepancyProviders.Payments;

    /// <summary>
    /// How long an intent that names our request may stay unrecorded before it is taken for one we will never record
    /// (made elsewhere with our metadata) and reported as unmatched.
    /// </summary>
    static readonly TimeSpan RecordingGrace = TimeSpan.FromHours(1);

    public async Task Consume(ConsumeContext<PaymentIntentSucceeded> context)
    {
        var paid = context.Message;
        if (paid.RentCharge is { } rentCharge)
        {
            await rentPayments.SucceededAsync(paid, rentCharge, context);
            return;
        }

        var facts = new ProviderFacts(paid.ProviderEventId, paid.EventType, paid.PaymentIntentId, paid.Amount, paid.LeaseId, paid.MoveInRequest,
            paid.OccurredAt);
        if (await MatchAsync(facts, context) is not { } payment)
            return;

        logger.LogInformation("Move-in payment {PaymentIntentId} of lease {LeaseId} succeeded as requested", paid.PaymentIntentId, payment.LeaseId);
        // A request withdrawn meanwhile has no lease to post to: its withdrawal refunds the payment.
        if (payment.CancelledAt is null)
            await moveInLedger.ReceivedAsync(session, context, payment, paid.PaymentIntentId, paid.OccurredAt);
        await context.Publish(new MoveInFundsReceived
        {
            LeaseId = payment.LeaseId,
            PaymentId = paid.PaymentIntentId,
            Amount = paid.Amount,
            ReceivedAt = paid.OccurredAt,
            ProviderEventId = paid.ProviderEventId,
        }, context.CancellationToken);
    }

    public async Task Consume(ConsumeContext<PaymentIntentFailed> context)
    {
        var failed = context.Message;
        if (failed.RentCharge is { } rentCharge)
        {
            await rentPayments.FailedAsync(failed, rentCharge, context);
            return;
        }

        var facts = new ProviderFacts(failed.ProviderEventId, failed.EventType, failed.PaymentIntentId, failed.Amount, failed.LeaseId,
            failed.MoveInRequest, failed.OccurredAt);
        if (await MatchAsync(facts, context) is not { } payment)
            return;

        logger.LogInformation("Move-in payment {PaymentIntentId} of lease {LeaseId} failed", failed.PaymentIntentId, payment.LeaseId);
        await context.Publish(new MoveInPaymentFailed
        {
            LeaseId = payment.LeaseId,
            PaymentId = failed.PaymentIntentId,
            Reason = failed.Reason,
            FailedAt = failed.OccurredAt,
            PaymentUrl = payment.PaymentPageUrl,
        }, context.CancellationToken);
    }

    /// <returns>The request the event is about, when it matches it; otherwise null, with the discrepancy published.</returns>
    async Task<PaymentRecord?> MatchAsync(ProviderFacts facts, ConsumeContext context)
    {
        var cancellationToken = context.CancellationToken;
        var request = facts.MoveInRequest is { } key && facts.LeaseId is { } claimedLease
            ? await store.AwaitRequestAsync(session, key, claimedLease, cancellationToken)
            : null;

        if (await store.FindPaymentByIntentAsync(session, facts.PaymentIntentId, cancellationToken) is { } payment)
        {
            if (facts.LeaseId is { } leaseId && leaseId != payment.LeaseId)
            {
                await MismatchAsync(facts, payment.LeaseId, $"intent {facts.PaymentIntentId} was created for lease {payment.LeaseId}, not {leaseId}", context);
                return null;
            }
            if (payment.Requested is not { } requested || facts.Amount != requested)
            {
                await MismatchAsync(facts, payment.LeaseId,
                    $"amount {Display(facts.Amount)}, requested {(payment.Requested is { } asked ? Display(asked) : "nothing")}", context);
                return null;
            }
            return payment;
        }

        if (request is { PaymentIntentId: { } requestedIntent })
        {
            await MismatchAsync(facts, request.LeaseId, $"intent {facts.PaymentIntentId} is not the one requested, {requestedIntent}", context);
            return null;
        }
        // Only a request Billing really made, still open and without its intent, is worth waiting for; a key we never issued
        // names nothing, and is reported at once rather than retried into the error queue.
        if (request is { PaymentIntentId: null, CancelledAt: null } && request.LeaseId == facts.LeaseId && facts.MoveInRequest is { } pending
            && time.GetUtcNow() - facts.OccurredAt is var age && age < RecordingGrace && age > -RecordingGrace)
            throw new MoveInPaymentNotRecordedException(facts.PaymentIntentId, pending);

        var knownLease = facts.LeaseId is { } claimed && await store.HasRequestForLeaseAsync(session, claimed, cancellationToken) ? claimed : (Guid?)null;
        var reason = facts.LeaseId switch
        {
            null => $"intent {facts.PaymentIntentId} carries no lease of ours",
            { } lease when knownLease is null => $"intent {facts.PaymentIntentId} names lease {lease}, for which no move-in funds were requested",
            _ => $"intent {facts.PaymentIntentId} was not created by Billing",
        };
        await RecordAsync(facts, DiscrepancyKinds.Unmatched, knownLease, reason, context);
        return null;
    }

    Task MismatchAsync(ProviderFacts facts, Guid leaseId, string reason, ConsumeContext context) =>
        RecordAsync(facts, DiscrepancyKinds.Mismatch, leaseId, reason, context);

    async Task RecordAsync(ProviderFacts facts, string kind, Guid? leaseId, string reason, ConsumeContext context)
    {
        logger.LogWarning("Payment event {EventId} ({EventType}) moved nothing ({Kind}): {Reason}", facts.EventId, facts.EventType, kind, reason);
        await PaymentDiscrepancies.PublishAsync(context, session, reconciliation, facts.EventId, facts.EventType, kind, reason, leaseId, facts.PaymentIntentId,
            facts.Amount, facts.OccurredAt, time.GetUtcNow());
    }

    static string Display(Money money) => PaymentDiscrepancies.Display(money);

    sealed record ProviderFacts(
        string EventId, string EventType, string PaymentIntentId, Money Amount, Guid? LeaseId, string? MoveInRequest, DateTimeOffset OccurredAt);
}
