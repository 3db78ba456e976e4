using MassTransit;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Endpoints.Billing.Payments;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>Keeps whether a lease takes full payments only, for the payments that arrive from now on.</summary>
public sealed class SetLeaseRentSettingsConsumer(SqlSession session, RentStore rent, ILogger<SetLeaseRentSettingsConsumer> logger)
    : IConsumer<SetLeaseRentSettings>
{
    public async Task Consume(ConsumeContext<SetLeaseRentSettings> context)
    {
        await rent.SetRentSettingsAsync(session, context.Message, context.CancellationToken);
        logger.LogInformation("Lease {LeaseId} takes {Payments} payments", context.Message.LeaseId,
            context.Message.FullPaymentOnly ? "full" : "full and partial");
    }
}

/// <summary>
/// Gives a refused payment back through the gateway, all of it, under the command's idempotency key (derived from the
/// intent), so a repeated command refunds once. The gateway's <c>charge.refunded</c> for it moves no charge.
/// </summary>
public sealed class RefundRefusedRentPaymentConsumer(PaymentGatewayClient gateway, ILogger<RefundRefusedRentPaymentConsumer> logger)
    : IConsumer<RefundRefusedRentPayment>
{
    public async Task Consume(ConsumeContext<RefundRefusedRentPayment> context)
    {
        var command = context.Message;
        var metadata = new Dictionary<string, string>
        {
            ["lease_id"] = command.LeaseId.ToString(),
            [RequestRentPaymentConsumer.RentChargeMetadata] = command.ChargeId.ToString(),
        };
        var refund = await gateway.RefundAsync(command.PaymentId, LedgerAmounts.ToMinor(command.Amount), metadata, command.IdempotencyKey,
            context.CancellationToken);
        logger.LogInformation("Refused rent payment {PaymentIntentId} of charge {ChargeId} refunded as {RefundId}: {Status}", command.PaymentId,
            command.ChargeId, refund.Id, refund.Status);
    }
}
