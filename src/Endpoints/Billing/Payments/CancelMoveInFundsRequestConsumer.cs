using MassTransit;
using Orchestration.Messages.Leasing;
using Orchestration.Platform.Storage;

namespace Orchestration.Endpoints.Billing.Payments;

/// <summary>
/// Withdraws a move-in funds request: the row is marked cancelled (created when the request has not arrived yet, so it
/// never charges). When the gateway already took the money, the payment is refunded in full under
/// <c>{IdempotencyKey}-refund</c>. A payment still settling cannot be refunded yet: the command fails with
/// <see cref="MoveInPaymentSettlingException"/> and the delayed retries look again.
/// </summary>
public sealed class CancelMoveInFundsRequestConsumer(
    SqlSession session,
    BillingStore store,
    PaymentGatewayClient gateway,
    MoveInRefunds refunds,
    TimeProvider time,
    ILogger<CancelMoveInFundsRequestConsumer> logger) : IConsumer<CancelMoveInFundsRequest>
{
    public async Task Consume(ConsumeContext<CancelMoveInFundsRequest> context)
    {
        var command = context.Message;
        await store.MarkCancelledAsync(session, command.IdempotencyKey, command.LeaseId, command.Reason, time.GetUtcNow().ToUnixTimeMilliseconds(),
            context.CancellationToken);

        var payment = await store.FindPaymentAsync(session, command.IdempotencyKey, context.CancellationToken);
        if (payment?.PaymentIntentId is not { } intentId)
        {
            logger.LogInformation("Move-in funds request {IdempotencyKey} of lease {LeaseId} cancelled before any charge", command.IdempotencyKey,
                command.LeaseId);
            return;
        }

        var intent = await gateway.RetrieveAsync(intentId, context.CancellationToken);
        switch (intent.Status)
        {
            case "succeeded":
                await refunds.RefundAsync(command.LeaseId, intentId, null, command.Reason, $"{command.IdempotencyKey}-refund", context.CancellationToken);
                break;
            case "processing":
                throw new MoveInPaymentSettlingException(intentId, command.LeaseId);
            default:
                logger.LogInformation("Move-in funds request {IdempotencyKey} of lease {LeaseId} cancelled; payment {PaymentIntentId} is {Status}, nothing to refund",
                    command.IdempotencyKey, command.LeaseId, intentId, intent.Status);
                break;
        }
    }
}

/// <summary>The payment is still settling at the gateway; whether it must be refunded is known only once it settles.</summary>
public sealed class MoveInPaymentSettlingException(string paymentIntentId, Guid leaseId)
    : Exception($"Payment {paymentIntentId} of lease {leaseId} is still processing; the refund waits until it settles.");
