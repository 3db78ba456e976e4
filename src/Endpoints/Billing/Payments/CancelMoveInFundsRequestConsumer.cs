using MassTransit;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Payments;

/// <summary>
/// Withdraws a move-in funds request so that no money for it can arrive later, when the lease is gone and nobody would
/// refund it. The row is marked cancelled (created when the request has not arrived yet, so it never charges). An intent
/// nobody has paid is cancelled at the gateway under <c>{IdempotencyKey}-cancel</c>, after which the tenant can no
/// longer complete it; a paid one is refunded in full under <c>{IdempotencyKey}-refund</c>. A payment still settling
/// can be neither: the command fails with <see cref="MoveInPaymentSettlingException"/> and the delayed retries look
/// again. How it ended is recorded on the row (<see cref="CancelOutcomes"/>), and a repeat of the command calls nothing.
/// No transaction is open while the gateway answers (<c>CallsThirdParties</c>): the row is marked cancelled in a step
/// committed first. A request whose charge is under way at that moment has no intent yet; the charge, once recorded,
/// finds the row cancelled and sends this command again (<see cref="RequestMoveInFundsConsumer"/>).
/// </summary>
public sealed class CancelMoveInFundsRequestConsumer(
    SqlSession session,
    BillingStore store,
    PaymentGatewayClient gateway,
    MoveInRefunds refunds,
    TimeProvider time,
    ILogger<CancelMoveInFundsRequestConsumer> logger) : IConsumer<CancelMoveInFundsRequest>
{
    // Stripe's reason for a payment the customer will not complete: the lease it was for is off.
    const string CancellationReason = "abandoned";
    const string UnexpectedState = "payment_intent_unexpected_state";

    public async Task Consume(ConsumeContext<CancelMoveInFundsRequest> context)
    {
        var command = context.Message;
        var cancellationToken = context.CancellationToken;
        var payment = await session.StepAsync(async ct =>
        {
            await store.MarkCancelledAsync(session, command.IdempotencyKey, command.LeaseId, command.Reason, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
            return await store.FindPaymentAsync(session, command.IdempotencyKey, ct);
        }, cancellationToken);
        if (payment is { CancelOutcome: CancelOutcomes.IntentCanceled or CancelOutcomes.Refunded })
        {
            logger.LogInformation("Move-in funds request {IdempotencyKey} of lease {LeaseId} already withdrawn: {CancelOutcome}", command.IdempotencyKey,
                command.LeaseId, payment.CancelOutcome);
            return;
        }

        if (payment is { PaymentIntentId: null, ChargeStartedAt: not null })
        {
            logger.LogInformation("Move-in funds request {IdempotencyKey} of lease {LeaseId} is being charged; the charge is withdrawn once recorded",
                command.IdempotencyKey, command.LeaseId);
            return;
        }

        if (payment?.PaymentIntentId is not { } intentId)
        {
            store.RecordCancelOutcome(session, command.IdempotencyKey, null, CancelOutcomes.NotCharged, null);
            logger.LogInformation("Move-in funds request {IdempotencyKey} of lease {LeaseId} cancelled before any charge", command.IdempotencyKey,
                command.LeaseId);
            return;
        }

        var intent = await gateway.RetrieveAsync(intentId, cancellationToken);
        if (intent.IsCancellable)
            intent = await CancelAtGatewayAsync(command, intent, cancellationToken);

        switch (intent.Status)
        {
            case PaymentIntentStatus.Canceled:
                store.RecordCancelOutcome(session, command.IdempotencyKey, intent.Status, CancelOutcomes.IntentCanceled, intent.CanceledAt);
                logger.LogInformation("Move-in payment {PaymentIntentId} of lease {LeaseId} is cancelled at the gateway and can no longer be paid", intentId,
                    command.LeaseId);
                break;
            case PaymentIntentStatus.Succeeded:
                await refunds.RefundAsync(command.LeaseId, intentId, null, command.Reason, $"{command.IdempotencyKey}-refund", cancellationToken);
                store.RecordCancelOutcome(session, command.IdempotencyKey, intent.Status, CancelOutcomes.Refunded, null);
                break;
            case PaymentIntentStatus.Processing:
                throw new MoveInPaymentSettlingException(intentId, command.LeaseId);
            default:
                throw new MoveInPaymentNotCancelledException(intentId, command.LeaseId, intent.Status);
        }
    }

    /// <summary>
    /// Cancels the intent, or returns it as it stands when the gateway refuses because it moved on since it was read
    /// (the tenant paid at that very moment: it is processing or has succeeded).
    /// </summary>
    async Task<PaymentIntent> CancelAtGatewayAsync(CancelMoveInFundsRequest command, PaymentIntent intent, CancellationToken cancellationToken)
    {
        var idempotencyKey = $"{command.IdempotencyKey}-cancel";
        while (true)
        {
            try
            {
                return await gateway.CancelAsync(intent.Id, CancellationReason, idempotencyKey, cancellationToken);
            }
            catch (PaymentGatewayRejectedException refused) when (refused.Code == UnexpectedState)
            {
                logger.LogInformation("Move-in payment {PaymentIntentId} of lease {LeaseId} was not cancelled under {IdempotencyKey}: it moved on", intent.Id,
                    command.LeaseId, idempotencyKey);
            }

            var moved = await gateway.RetrieveAsync(intent.Id, cancellationToken);
            // Cancellable, yet refused: the gateway replayed the answer it kept for this key, given to an earlier try while
            // a later payment attempt was under way. That attempt has failed since, and its charge gives the next try a key
            // of its own; the same charge again means the same key, whose answer is known.
            var nextKey = moved is { IsCancellable: true, LatestCharge: { } charge } ? $"{command.IdempotencyKey}-cancel-{charge}" : null;
            if (nextKey is null || nextKey == idempotencyKey)
                return moved;
            idempotencyKey = nextKey;
        }
    }
}
