using MassTransit;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Endpoints.Billing.Payments;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>
/// Charges a rent payment through the payment gateway under the command's idempotency key (the charge id for the first
/// attempt), with the lease and the charge in the intent's metadata for the webhooks that report the outcome. A repeated
/// command reaches the gateway with the same key and gets the same intent back: nothing is charged twice.
/// </summary>
public sealed class RequestRentPaymentConsumer(PaymentGatewayClient gateway, ILogger<RequestRentPaymentConsumer> logger) : IConsumer<RequestRentPayment>
{
    /// <summary>The intent's metadata key that names the rent charge it collects.</summary>
    public const string RentChargeMetadata = "rent_charge";

    public async Task Consume(ConsumeContext<RequestRentPayment> context)
    {
        var command = context.Message;
        var metadata = new Dictionary<string, string>
        {
            ["lease_id"] = command.LeaseId.ToString(),
            [RentChargeMetadata] = command.ChargeId.ToString(),
        };
        var intent = await gateway.ChargeAsync(LedgerAmounts.ToMinor(command.Amount), command.Amount.Currency, metadata, command.IdempotencyKey,
            context.CancellationToken);
        logger.LogInformation("Rent payment {PaymentIntentId} for charge {ChargeId} (attempt {Attempt}) created: {Status}", intent.Id, command.ChargeId,
            command.Attempt, intent.Status);
    }
}
