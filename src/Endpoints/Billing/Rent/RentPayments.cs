using System.Globalization;
using MassTransit;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Endpoints.Billing.Payments;
using Orchestration.Endpoints.Billing.Reconciliation;
using Orchestration.Endpoints.Billing.Refunds;
using Orchestration.Messages.Billing;
using Orchestration.Messages.Reconciliation;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>
/// Holds the gateway's events about rent intents against the charge they name (<c>metadata[rent_charge]</c>) and passes
/// them on to the charge's <c>RentCollectionSaga</c>. A payment moves the charge only in the charge's currency, for more
/// than nothing and no more than the charge, on the charge's own lease; anything else is published as
/// <see cref="ProviderEventDiscrepancyRecorded"/> and moves nothing.
/// </summary>
/// <remarks>
/// Each intent's events are kept in <c>rent_payments</c> with their own times, so that arrivals in any order end the same:
/// a failure reported after the success it followed is the bank returning the payment (an ACH return after
/// <c>succeeded</c>, as Stripe reports it), a failure older than the success is stale, and a refund counts only what
/// raises the charge's refunded total. Disputes carry no metadata and are found through the intent; one that arrives
/// before any event of its intent is tried again later (<see cref="RentPaymentNotRecordedException"/>). On a lease that
/// takes full payments only, a payment of less than the charge still owes is refused: it moves nothing, is published as
/// <see cref="RentPaymentRefused"/> and refunded (<see cref="RefundRefusedRentPayment"/>), and the later events of its
/// intent (its refund, a return, a dispute) move nothing either.
/// </remarks>
public sealed class RentPayments(SqlSession session, RentStore store, ReconciliationStore reconciliation, LeaseCreditRefunds credits, TimeProvider time,
    ILogger<RentPayments> logger)
{
    /// <summary>How long a dispute or refund may wait for the intent's own events before it is reported as unmatched.</summary>
    static readonly TimeSpan RecordingGrace = TimeSpan.FromHours(1);

    public async Task SucceededAsync(PaymentIntentSucceeded paid, Guid rentCharge, ConsumeContext context)
    {
        var facts = new Facts(paid.ProviderEventId, paid.EventType, paid.PaymentIntentId, paid.Amount, paid.LeaseId, paid.OccurredAt);
        if (await ChargeAsync(facts, rentCharge, context) is not { } charge)
            return;

        var cancellationToken = context.CancellationToken;
        await store.AddPaymentAsync(session, paid.PaymentIntentId, charge, paid.Amount, cancellationToken);
        await store.MarkSucceededAsync(session, paid.PaymentIntentId, paid.Amount, paid.OccurredAt, cancellationToken);
        var payment = (await store.FindPaymentAsync(session, paid.PaymentIntentId, cancellationToken))!;

        if (await IsRefusedAsync(paid.PaymentIntentId, cancellationToken))
        {
            logger.LogInformation("Rent payment {PaymentIntentId} of charge {ChargeId} was refused already", paid.PaymentIntentId, charge.ChargeId);
            return;
        }

        // The bank's return was delivered first: the saga records the payment and its reversal from the return alone.
        if (payment.FailedAt > paid.OccurredAt.ToUnixTimeMilliseconds())
        {
            await ReturnedAsync(payment, "The bank returned the payment.", DateTimeOffset.FromUnixTimeMilliseconds(payment.FailedAt.Value), context);
            return;
        }

        if (await store.FullPaymentOnlyAsync(session, charge.LeaseId, cancellationToken)
            && charge.Amount.Amount - (await store.PaidByOthersAsync(session, charge, paid.PaymentIntentId, cancellationToken)).Amount is var owed
            && paid.Amount.Amount < owed)
        {
            await RefuseAsync(charge, paid, charge.Amount with { Amount = owed }, context);
            return;
        }

        logger.LogInformation("Rent payment {PaymentIntentId} of charge {ChargeId} succeeded", paid.PaymentIntentId, charge.ChargeId);
        await context.Publish(new RentPaymentSucceeded
        {
            ChargeId = charge.ChargeId,
            PaymentId = paid.PaymentIntentId,
            Amount = paid.Amount,
            OccurredAt = paid.OccurredAt,
        }, cancellationToken);
    }

    public async Task FailedAsync(PaymentIntentFailed failed, Guid rentCharge, ConsumeContext context)
    {
        var facts = new Facts(failed.ProviderEventId, failed.EventType, failed.PaymentIntentId, failed.Amount, failed.LeaseId, failed.OccurredAt);
        if (await ChargeAsync(facts, rentCharge, context) is not { } charge)
            return;

        var cancellationToken = context.CancellationToken;
        await store.AddPaymentAsync(session, failed.PaymentIntentId, charge, failed.Amount, cancellationToken);
        var payment = (await store.FindPaymentAsync(session, failed.PaymentIntentId, cancellationToken))!;
        if (payment.SucceededAt is { } succeededAt)
        {
            if (await IsRefusedAsync(payment.IntentId, cancellationToken))
                return;
            if (failed.OccurredAt.ToUnixTimeMilliseconds() > succeededAt)
                await ReturnedAsync(payment, failed.Reason, failed.OccurredAt, context);
            else
                logger.LogInformation("Rent payment {PaymentIntentId}: a failure older than its success is dropped", failed.PaymentIntentId);
            return;
        }

        await store.MarkFailedAsync(session, failed.PaymentIntentId, failed.OccurredAt, cancellationToken);
        logger.LogInformation("Rent payment {PaymentIntentId} of charge {ChargeId} failed", failed.PaymentIntentId, charge.ChargeId);
        await context.Publish(new RentPaymentFailed
        {
            ChargeId = charge.ChargeId,
            PaymentId = failed.PaymentIntentId,
            Reason = failed.Reason,
            OccurredAt = failed.OccurredAt,
        }, cancellationToken);
    }

    public async Task ProcessingAsync(PaymentIntentProcessing processing, ConsumeContext context)
    {
        if (processing.RentCharge is not { } rentCharge)
            return;
        var facts = new Facts(processing.ProviderEventId, processing.EventType, processing.PaymentIntentId, processing.Amount, processing.LeaseId,
            processing.OccurredAt);
        if (await ChargeAsync(facts, rentCharge, context) is not { } charge)
            return;

        await store.AddPaymentAsync(session, processing.PaymentIntentId, charge, processing.Amount, context.CancellationToken);
        await context.Publish(new RentPaymentProcessing
        {
            ChargeId = charge.ChargeId,
            PaymentId = processing.PaymentIntentId,
            OccurredAt = processing.OccurredAt,
        }, context.CancellationToken);
    }

    public async Task RefundedAsync(PaymentChargeRefunded refunded, ConsumeContext context)
    {
        // Move-in refunds are Billing's own, made and recorded by the move-in consumers.
        if (refunded.RentCharge is null)
            return;
        var facts = new Facts(refunded.ProviderEventId, refunded.EventType, refunded.PaymentIntentId, refunded.AmountRefunded, refunded.LeaseId,
            refunded.OccurredAt);
        if (await PaymentAsync(facts, context) is not { } payment)
            return;
        if (refunded.AmountRefunded.Currency != payment.Amount.Currency || refunded.AmountRefunded.Amount > payment.Amount.Amount)
        {
            await DiscrepancyAsync(facts, DiscrepancyKinds.Mismatch, payment.LeaseId,
                $"refunded {Display(refunded.AmountRefunded)} of a payment of {Display(payment.Amount)}", context);
            return;
        }

        // A staff refund the gateway answered pending may have settled: its own consumer asks the gateway how it ended.
        foreach (var pending in await credits.PendingOfAsync(session, payment.IntentId, context.CancellationToken))
            await (await context.GetSendEndpoint(new Uri($"queue:{CommandRoutes.RentPayments}"))).Send(new SettleLeaseCreditRefund
            {
                RefundId = pending.RefundId, LeaseId = pending.LeaseId, PaymentIntentId = pending.IntentId,
            }, context.CancellationToken);

        // The gateway's total counts staff refunds of the lease's credit too (reserved before the gateway was called, so
        // also those whose answer is not recorded yet): their own consumers record them, not against the charge.
        var staff = LedgerAmounts.FromMinor(await credits.StaffRefundedAsync(session, payment.IntentId, context.CancellationToken),
            payment.Amount.Currency);
        var ofTheCharge = refunded.AmountRefunded with { Amount = refunded.AmountRefunded.Amount - staff.Amount };
        var rise = await store.RaiseRefundedAsync(session, payment.IntentId, ofTheCharge, context.CancellationToken);
        if (rise.Amount <= 0 || await IsRefusedAsync(payment.IntentId, context.CancellationToken))
            return;
        logger.LogInformation("Rent payment {PaymentIntentId} of charge {ChargeId}: {Amount} refunded", payment.IntentId, payment.ChargeId, rise.Amount);
        await context.Publish(new RentPaymentRefunded
        {
            ChargeId = payment.ChargeId,
            PaymentId = payment.IntentId,
            // The refunded total names the refund: each rise of it is one refund, whichever event reports it.
            RefundId = $"{refunded.ProviderChargeId}-{LedgerAmounts.ToMinor(refunded.AmountRefunded).ToString(CultureInfo.InvariantCulture)}",
            Amount = rise,
            OccurredAt = refunded.OccurredAt,
        }, context.CancellationToken);
    }

    public async Task DisputeAsync(PaymentDisputeReported dispute, ConsumeContext context)
    {
        var facts = new Facts(dispute.ProviderEventId, dispute.EventType, dispute.PaymentIntentId, dispute.Amount, null, dispute.OccurredAt);
        if (await PaymentAsync(facts, context) is not { } payment)
            return;
        if (await IsRefusedAsync(payment.IntentId, context.CancellationToken))
        {
            logger.LogWarning("Dispute {DisputeId} of refused rent payment {PaymentIntentId} moves no charge", dispute.DisputeId, payment.IntentId);
            return;
        }
        if (dispute.Amount != payment.Amount)
        {
            await DiscrepancyAsync(facts, DiscrepancyKinds.Mismatch, payment.LeaseId,
                $"dispute {dispute.DisputeId} of {Display(dispute.Amount)} on a payment of {Display(payment.Amount)}", context);
            return;
        }

        logger.LogInformation("Rent payment {PaymentIntentId} of charge {ChargeId}: dispute {DisputeId} {Status}", payment.IntentId, payment.ChargeId,
            dispute.DisputeId, dispute.Closed ? dispute.Won ? "won" : "lost" : "opened");
        // A closing dispute is enough on its own: the saga withdraws the funds first if the opening has not reached it.
        object message = dispute.Closed
            ? new RentDisputeClosed
            {
                ChargeId = payment.ChargeId, PaymentId = payment.IntentId, Amount = payment.Amount, Won = dispute.Won, OccurredAt = dispute.OccurredAt,
            }
            : new RentPaymentDisputed { ChargeId = payment.ChargeId, PaymentId = payment.IntentId, Amount = payment.Amount, OccurredAt = dispute.OccurredAt };
        await context.Publish(message, context.CancellationToken);
    }

    async Task RefuseAsync(RentChargeTerms charge, PaymentIntentSucceeded paid, Money owed, ConsumeContext context)
    {
        if (!await store.MarkRefusedAsync(session, paid.PaymentIntentId, paid.OccurredAt, context.CancellationToken))
            return;
        logger.LogInformation("Rent payment {PaymentIntentId} of {Amount} refused: lease {LeaseId} takes full payments only, {Owed} owed on charge {ChargeId}",
            paid.PaymentIntentId, paid.Amount.Amount, charge.LeaseId, owed.Amount, charge.ChargeId);
        await context.Publish(new RentPaymentRefused
        {
            ChargeId = charge.ChargeId,
            LeaseId = charge.LeaseId,
            PaymentId = paid.PaymentIntentId,
            Amount = paid.Amount,
            Owed = owed,
            Reason = "The lease takes full payments only.",
            OccurredAt = paid.OccurredAt,
        }, context.CancellationToken);
        await context.Send(new RefundRefusedRentPayment
        {
            ChargeId = charge.ChargeId,
            LeaseId = charge.LeaseId,
            PaymentId = paid.PaymentIntentId,
            Amount = paid.Amount,
            IdempotencyKey = $"rent-refused-{paid.PaymentIntentId}",
        }, context.CancellationToken);
    }

    async Task<bool> IsRefusedAsync(string intentId, CancellationToken cancellationToken) =>
        (await store.RefusedAsync(session, [intentId], cancellationToken)).Count > 0;

    async Task ReturnedAsync(RentPaymentRecord payment, string reason, DateTimeOffset at, ConsumeContext context)
    {
        var returns = await store.MarkReturnedAsync(session, payment.IntentId, payment.LeaseId, at, context.CancellationToken);
        logger.LogInformation("Rent payment {PaymentIntentId} of charge {ChargeId} returned ({Returns} on the lease)", payment.IntentId, payment.ChargeId,
            returns);
        await context.Publish(new RentPaymentReturned
        {
            ChargeId = payment.ChargeId,
            PaymentId = payment.IntentId,
            Amount = payment.Amount,
            Reason = reason,
            ReturnsOnLease = returns,
            OccurredAt = at,
        }, context.CancellationToken);
    }

    /// <returns>The charge the event's intent was made for, when the event fits it; otherwise null, with the discrepancy published.</returns>
    async Task<RentChargeTerms?> ChargeAsync(Facts facts, Guid rentCharge, ConsumeContext context)
    {
        if (await store.FindChargeAsync(session, rentCharge, context.CancellationToken) is not { } charge)
        {
            await DiscrepancyAsync(facts, DiscrepancyKinds.Unmatched, null, $"intent {facts.IntentId} names rent charge {rentCharge}, which was never posted",
                context);
            return null;
        }

        var problem = facts.LeaseId is { } lease && lease != charge.LeaseId ? $"intent {facts.IntentId} names lease {lease}, the charge is lease {charge.LeaseId}'s"
            : facts.Amount.Currency != charge.Amount.Currency || facts.Amount.Amount <= 0 || facts.Amount.Amount > charge.Amount.Amount
                ? $"amount {Display(facts.Amount)}, charge {rentCharge} is {Display(charge.Amount)}"
                : null;
        if (problem is null)
            return charge;
        await DiscrepancyAsync(facts, DiscrepancyKinds.Mismatch, charge.LeaseId, problem, context);
        return null;
    }

    /// <returns>The succeeded rent payment a refund or dispute is about; null when it is none, with the discrepancy published.</returns>
    async Task<RentPaymentRecord?> PaymentAsync(Facts facts, ConsumeContext context)
    {
        if (await store.FindPaymentAsync(session, facts.IntentId, context.CancellationToken) is { SucceededAt: not null } payment)
            return payment;

        var age = time.GetUtcNow() - facts.OccurredAt;
        if (age < RecordingGrace && age > -RecordingGrace)
            throw new RentPaymentNotRecordedException(facts.IntentId, facts.EventType);
        await DiscrepancyAsync(facts, DiscrepancyKinds.Unmatched, facts.LeaseId, $"intent {facts.IntentId} is no rent payment that succeeded", context);
        return null;
    }

    async Task DiscrepancyAsync(Facts facts, string kind, Guid? leaseId, string reason, ConsumeContext context)
    {
        logger.LogWarning("Payment event {EventId} ({EventType}) moved no rent charge ({Kind}): {Reason}", facts.EventId, facts.EventType, kind, reason);
        await PaymentDiscrepancies.PublishAsync(context, session, reconciliation, facts.EventId, facts.EventType, kind, reason, leaseId, facts.IntentId,
            facts.Amount, facts.OccurredAt, time.GetUtcNow());
    }

    static string Display(Money money) => PaymentDiscrepancies.Display(money);

    sealed record Facts(string EventId, string EventType, string IntentId, Money Amount, Guid? LeaseId, DateTimeOffset OccurredAt);
}

/// <summary>The gateway's processing, refund and dispute events about rent intents, passed on by <see cref="RentPayments"/>.</summary>
public sealed class RentPaymentEventsConsumer(RentPayments payments)
    : IConsumer<PaymentIntentProcessing>, IConsumer<PaymentChargeRefunded>, IConsumer<PaymentDisputeReported>
{
    public Task Consume(ConsumeContext<PaymentIntentProcessing> context) => payments.ProcessingAsync(context.Message, context);

    public Task Consume(ConsumeContext<PaymentChargeRefunded> context) => payments.RefundedAsync(context.Message, context);

    public Task Consume(ConsumeContext<PaymentDisputeReported> context) => payments.DisputeAsync(context.Message, context);
}

/// <summary>
/// A refund or dispute names an intent none of whose events has been recorded yet (its delivery was overtaken); the
/// recoverability policy tries it again later.
/// </summary>
public sealed class RentPaymentNotRecordedException(string paymentIntentId, string eventType)
    : Exception($"Payment intent {paymentIntentId} ({eventType}) has no recorded rent payment yet; the event is tried again.");
