using MassTransit;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Payments;

/// <summary>
/// Charges the security deposit and the first month's rent as one payment intent, under the command's
/// <c>IdempotencyKey</c>, with the lease in <c>metadata[lease_id]</c> and the key in <c>metadata[move_in_request]</c> for
/// the webhook that reports the outcome (<see cref="PaymentIntentEventsConsumer"/> checks it against the row recorded
/// here and publishes <see cref="MoveInFundsReceived"/> or <see cref="MoveInPaymentFailed"/>, not this consumer).
/// A request already charged, or cancelled before it arrived, calls nothing; its row stays locked while the gateway
/// is called, so a cancellation arriving meanwhile waits and then withdraws the new charge. A card decline is recorded
/// and is not a failure of this command: the tenant can pay again.
/// </summary>
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
        switch (await store.ClaimPaymentAsync(session, command.IdempotencyKey, command.LeaseId, context.CancellationToken))
        {
            case { CancelledAt: not null }:
                logger.LogInformation("Move-in funds request {IdempotencyKey} of lease {LeaseId} was cancelled; not charging", command.IdempotencyKey,
                    command.LeaseId);
                return;
            case { PaymentIntentId: { } existing }:
                logger.LogInformation("Move-in funds request {IdempotencyKey} of lease {LeaseId} already charged as {PaymentIntentId}",
                    command.IdempotencyKey, command.LeaseId, existing);
                return;
        }

        var amount = MinorUnits.Total(command.SecurityDeposit, command.FirstMonthRent);
        var metadata = new Dictionary<string, string>
        {
            ["lease_id"] = command.LeaseId.ToString(),
            [MoveInRequestMetadata] = command.IdempotencyKey,
        };
        var intent = await gateway.ChargeAsync(amount, command.SecurityDeposit.Currency, metadata, command.IdempotencyKey, context.CancellationToken);
        var paymentPage = intent.ClientSecret is { } secret ? options.Value.Payments.PaymentPageFor(secret) : null;
        await store.RecordIntentAsync(session, command.IdempotencyKey, command.LeaseId, intent, paymentPage, time.GetUtcNow().ToUnixTimeMilliseconds(),
            context.CancellationToken);

        if (intent.FailureCode is { } failure)
            logger.LogWarning("Move-in payment {PaymentIntentId} of lease {LeaseId} was declined: {FailureCode}", intent.Id, command.LeaseId, failure);
        else
            logger.LogInformation("Move-in payment {PaymentIntentId} of lease {LeaseId} created: {Status}", intent.Id, command.LeaseId, intent.Status);
    }
}
