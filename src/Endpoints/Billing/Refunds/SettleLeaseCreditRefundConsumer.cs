using MassTransit;
using Orchestration.Endpoints.Billing.Payments;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Refunds;

/// <summary>
/// Learns how a staff refund's part the gateway answered <c>pending</c> ended, by asking the gateway for the refund: a
/// refund that succeeded is posted (<see cref="LeaseCreditRefundOutcome"/>), one that failed or was canceled frees its
/// amount, one still pending waits for the gateway's next report of the payment's refunds. It is asked when the pending
/// answer is recorded and whenever <c>charge.refunded</c> reports the payment, so the outcome is recorded whichever comes
/// first; a part whose answer is not recorded yet is left to the refund consumer, which asks once it has recorded it.
/// </summary>
public sealed class SettleLeaseCreditRefundConsumer(SqlSession session, LeaseCreditRefunds credits, PaymentGatewayClient gateway,
    ILogger<SettleLeaseCreditRefundConsumer> logger) : IConsumer<SettleLeaseCreditRefund>
{
    public async Task Consume(ConsumeContext<SettleLeaseCreditRefund> context)
    {
        var settle = context.Message;
        var key = LeaseCreditRefunds.KeyOf(settle.RefundId, settle.PaymentIntentId);
        var part = await session.ReadStepAsync(ct => credits.FindPartAsync(session, key, ct), context.CancellationToken);
        if (part is not { Status: CreditRefundPartStatus.Pending, GatewayRefundId: { } gatewayRefundId })
            return;

        var refund = await gateway.RetrieveRefundAsync(gatewayRefundId, context.CancellationToken);
        if (refund.Status == CreditRefundPartStatus.Pending)
        {
            logger.LogInformation("Credit refund {RefundId}: the gateway's refund {GatewayRefundId} is still pending", settle.RefundId, gatewayRefundId);
            return;
        }
        await LeaseCreditRefundOutcome.RecordAsync(context, session, credits, part, gatewayRefundId, refund.Status, logger);
    }
}
