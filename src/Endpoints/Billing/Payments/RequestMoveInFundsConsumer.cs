using MassTransit;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Payments;

/// <summary>
/// Charges the security deposit and the first month's rent as one payment intent, under the command's
/// <c>IdempotencyKey</c>, with the lease in <c>metadata[lease_id]</c> and the key in <c>metadata[move_in_request]</c> for
/// the webhook that reports the outcome (<see cref="PaymentIntentEventsConsumer"/> checks it against the row recorded
/// here and publishes <see cref="MoveInFundsReceived"/> or <see cref="MoveInPaymentFailed"/>, not this consumer).
/// A request already charged, or cancelled before any charge started, calls nothing. A card decline is recorded and is
/// not a failure of this command: the tenant can pay again.
/// </summary>
/// <remarks>
/// No transaction is open while the gateway answers (<c>CallsThirdParties</c>). The row is marked charging in a step
/// committed before the call, so a cancellation handled meanwhile sees the charge under way and leaves withdrawing it to
/// the charge: once the intent is recorded, this consumer finds the request cancelled and sends the cancellation again,
/// which now finds the intent and cancels or refunds it. A copy handled at the same moment, or after a crash, charges
/// again under the same key and gets the same intent back; a request cancelled while a charge was under way finishes
/// that charge the same way, so an intent the gateway may have created is never left unknown.
/// </remarks>
public sealed class RequestMoveInFundsConsumer(
    SqlSession session,
    BillingStore store,
    PaymentGatewayClient gateway,
    IOptions<BillingOptions> options,
    TimeProvider time,
    ILogger<RequestMoveInFundsConsumer> logger) : IConsumer<RequestMoveInFunds>
{
    /// <summary>The intent's metadata key that names the request it was created for.</summary>
    public const string MoveInRequestMetadata = "move_in_request";

    public async Task Consume(ConsumeContext<RequestMoveInFunds> context)
    {
        var command = context.Message;
        // Before anything is written: amounts that can never be charged leave no row behind.
        var amount = MinorUnits.Total(command.SecurityDeposit, command.FirstMonthRent);
        var lines = new MoveInLines(MinorUnits.From(command.SecurityDeposit), MinorUnits.From(command.FirstMonthRent),
            command.DueOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        var payment = await session.StepAsync(
            ct => store.ClaimChargeAsync(session, command.IdempotencyKey, command.LeaseId, lines, time.GetUtcNow().ToUnixTimeMilliseconds(), ct),
            context.CancellationToken);
        switch (payment)
        {
            case { PaymentIntentId: not null, CancelledAt: not null, CancelOutcome: null }:
                // Recorded, and cancelled while it was charged; the hand-over below may have been lost with its commit.
                await HandOverAsync(context, payment.CancelReason ?? "cancelled");
                return;
            case { PaymentIntentId: { } existing }:
                logger.LogInformation("Move-in funds request {IdempotencyKey} of lease {LeaseId} already charged as {PaymentIntentId}",
                    command.IdempotencyKey, command.LeaseId, existing);
                return;
            case { CancelledAt: not null, ChargeStartedAt: null }:
                logger.LogInformation("Move-in funds request {IdempotencyKey} of lease {LeaseId} was cancelled; not charging", command.IdempotencyKey,
                    command.LeaseId);
                return;
        }

        var metadata = new Dictionary<string, string>
        {
            ["lease_id"] = command.LeaseId.ToString(),
            [MoveInRequestMetadata] = command.IdempotencyKey,
        };
        var intent = await gateway.ChargeAsync(amount, command.SecurityDeposit.Currency, metadata, command.IdempotencyKey, context.CancellationToken);
        var paymentPage = intent.ClientSecret is { } secret ? options.Value.Payments.PaymentPageFor(secret) : null;
        var cancelled = await session.StepAsync(ct => store.RecordIntentAsync(session, command.IdempotencyKey, command.LeaseId, intent, paymentPage,
            time.GetUtcNow().ToUnixTimeMilliseconds(), ct), context.CancellationToken);

        if (intent.FailureCode is { } failure)
            logger.LogWarning("Move-in payment {PaymentIntentId} of lease {LeaseId} was declined: {FailureCode}", intent.Id, command.LeaseId, failure);
        else
            logger.LogInformation("Move-in payment {PaymentIntentId} of lease {LeaseId} created: {Status}", intent.Id, command.LeaseId, intent.Status);

        if (cancelled is not null)
            await HandOverAsync(context, cancelled);
    }

    // The cancellation handled while this charge was under way found no intent to withdraw; sent again, it finds it. A
    // repeat finds the request withdrawn already and calls nothing.
    async Task HandOverAsync(ConsumeContext<RequestMoveInFunds> context, string reason)
    {
        var command = context.Message;
        logger.LogInformation("Move-in funds request {IdempotencyKey} of lease {LeaseId} was cancelled while it was charged; withdrawing the charge",
            command.IdempotencyKey, command.LeaseId);
        var cancellations = await context.GetSendEndpoint(new Uri($"queue:{CommandRoutes.MoveInPayments}"));
        await cancellations.Send(new CancelMoveInFundsRequest { LeaseId = command.LeaseId, IdempotencyKey = command.IdempotencyKey, Reason = reason },
            context.CancellationToken);
    }
}
