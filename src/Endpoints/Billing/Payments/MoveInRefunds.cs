namespace Orchestration.Endpoints.Billing.Payments;

/// <summary>
/// Refunds a move-in payment once per idempotency key: a key already recorded calls nothing, and a copy handled at the
/// same moment, or after the gateway refunded but before the refund was recorded, gets the same refund back from the
/// gateway. For consumers that call the gateway with no transaction open (<c>CallsThirdParties</c>): the refund is
/// recorded with the commit that marks their command handled.
/// </summary>
public sealed class MoveInRefunds(SqlSession session, BillingStore store, PaymentGatewayClient gateway, TimeProvider time, ILogger<MoveInRefunds> logger)
{
    // Stripe keeps metadata values to 500 characters.
    const int MaxMetadataValue = 500;

    public async Task<RefundRecord> RefundAsync(Guid leaseId, string paymentIntentId, long? amount, string reason, string idempotencyKey,
        CancellationToken cancellationToken)
    {
        if (await session.ReadStepAsync(ct => store.FindRefundAsync(session, idempotencyKey, ct), cancellationToken) is { } existing)
        {
            logger.LogInformation("Refund {IdempotencyKey} of lease {LeaseId} already made as {RefundId}", idempotencyKey, leaseId, existing.RefundId);
            return existing;
        }

        var metadata = new Dictionary<string, string>
        {
            ["lease_id"] = leaseId.ToString(),
            ["reason"] = reason.Length > MaxMetadataValue ? reason[..MaxMetadataValue] : reason,
        };
        var refund = await gateway.RefundAsync(paymentIntentId, amount, metadata, idempotencyKey, cancellationToken);
        store.RecordRefund(session, idempotencyKey, leaseId, refund, reason, time.GetUtcNow().ToUnixTimeMilliseconds());

        logger.LogInformation("Refunded {Amount} of payment {PaymentIntentId} for lease {LeaseId} as {RefundId}", refund.Amount, paymentIntentId, leaseId,
            refund.Id);
        return new RefundRecord(idempotencyKey, leaseId, paymentIntentId, refund.Id, refund.Amount, refund.Status);
    }
}
