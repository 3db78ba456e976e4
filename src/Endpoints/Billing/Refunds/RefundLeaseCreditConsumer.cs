using MassTransit;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Endpoints.Billing.Payments;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Refunds;

/// <summary>
/// Pays back part of a lease's credit: checks again that the credit (the negative balance, deposits held excluded) covers
/// the amount, then refunds the lease's received payments newest first, never more than each still holds, under keys
/// derived from the refund id (<see cref="LeaseCreditRefunds.KeyOf"/>), and asks the ledger for one
/// <see cref="LedgerEntryKind.Refund"/> per payment the gateway confirms refunded, with the commit that marks the command
/// handled. A copy handled before that commit gets the same refunds back from the gateway and posts the same entries.
/// </summary>
public sealed class RefundLeaseCreditConsumer(SqlSession session, BillingStore store, LedgerStore ledger, LeaseCreditRefunds credits,
    PaymentGatewayClient gateway, TimeProvider time, ILogger<RefundLeaseCreditConsumer> logger) : IConsumer<RefundLeaseCredit>
{
    const string Succeeded = "succeeded";
    // Stripe keeps metadata values to 500 characters.
    const int MaxMetadataValue = 500;

    public async Task Consume(ConsumeContext<RefundLeaseCredit> context)
    {
        var command = context.Message;
        var amount = LedgerAmounts.ToMinor(command.Amount);
        if (amount <= 0)
            throw new InvalidLeaseCreditRefundException($"Refund {command.RefundId} of lease {command.LeaseId} asks for {command.Amount.Amount}.");

        // Read before the gateway is called: no step may run once the refunds' writes are deferred.
        var (credit, payments) = await session.ReadStepAsync(async ct =>
        {
            var balance = (await ledger.BalanceAsync(session, command.LeaseId, null, ct)).FirstOrDefault(m => m.Currency == command.Amount.Currency);
            var refundable = await credits.RefundableAsync(session, command.LeaseId, command.Amount.Currency, ct);
            return (balance is null ? 0 : -LedgerAmounts.ToMinor(balance), refundable);
        }, context.CancellationToken);
        var plan = Plan(payments, amount);
        var refundable = plan.Sum(p => p.Amount);
        if (credit < amount || refundable < amount)
            throw new InvalidLeaseCreditRefundException(
                $"Refund {command.RefundId} of lease {command.LeaseId}: {command.Amount.Amount} {command.Amount.Currency} asked, the credit is "
                + $"{LedgerAmounts.FromMinor(Math.Max(credit, 0), command.Amount.Currency).Amount} and the received payments can return "
                + $"{LedgerAmounts.FromMinor(refundable, command.Amount.Currency).Amount}.");

        // Every read before the gateway is called: no step may run once the first refund's write is deferred.
        var made = new Dictionary<string, RefundRecord>();
        foreach (var (payment, _) in plan)
            if (await session.ReadStepAsync(ct => store.FindRefundAsync(session, LeaseCreditRefunds.KeyOf(command.RefundId, payment.IntentId), ct),
                    context.CancellationToken) is { } earlier)
                made[payment.IntentId] = earlier;

        var metadata = new Dictionary<string, string>
        {
            ["lease_id"] = command.LeaseId.ToString(),
            ["credit_refund"] = command.RefundId.ToString(),
            ["reason"] = command.Reason.Length > MaxMetadataValue ? command.Reason[..MaxMetadataValue] : command.Reason,
        };
        var ledgerCommands = await context.GetSendEndpoint(new Uri($"queue:{CommandRoutes.Ledger}"));
        foreach (var (payment, part) in plan)
        {
            var key = LeaseCreditRefunds.KeyOf(command.RefundId, payment.IntentId);
            if (!made.TryGetValue(payment.IntentId, out var refund))
            {
                var answer = await gateway.RefundAsync(payment.IntentId, part, metadata, key, context.CancellationToken);
                store.RecordRefund(session, key, command.LeaseId, answer, command.Reason, time.GetUtcNow().ToUnixTimeMilliseconds());
                refund = new RefundRecord(key, command.LeaseId, payment.IntentId, answer.Id, answer.Amount, answer.Status);
            }
            if (refund.Status != Succeeded)
            {
                logger.LogWarning("Credit refund {RefundId} of lease {LeaseId}: the gateway answered {Status} for payment {PaymentIntentId}",
                    command.RefundId, command.LeaseId, refund.Status, payment.IntentId);
                continue;
            }
            await ledgerCommands.Send(new RecordLedgerEntry
            {
                EntryId = LeaseCreditRefunds.EntryOf(command.RefundId, payment.IntentId),
                LeaseId = command.LeaseId,
                ChargeId = payment.ChargeId,
                Kind = LedgerEntryKind.Refund,
                Amount = LedgerAmounts.FromMinor(refund.Amount, command.Amount.Currency),
                OccurredAt = command.RequestedAt,
            }, context.CancellationToken);
        }
        logger.LogInformation("Credit refund {RefundId} of lease {LeaseId}: {Amount} {Currency} from {Payments} payment(s)", command.RefundId,
            command.LeaseId, command.Amount.Amount, command.Amount.Currency, plan.Count);
    }

    /// <summary>The payments to refund, newest first, and how much of each, up to <paramref name="amount"/>.</summary>
    static List<(RefundablePayment Payment, long Amount)> Plan(IReadOnlyList<RefundablePayment> payments, long amount)
    {
        var plan = new List<(RefundablePayment, long)>();
        foreach (var payment in payments)
        {
            if (amount <= 0)
                break;
            var part = Math.Min(amount, payment.Refundable);
            plan.Add((payment, part));
            amount -= part;
        }
        return plan;
    }
}

/// <summary>A staff refund the lease's credit or its received payments cannot cover: no retry can help.</summary>
public sealed class InvalidLeaseCreditRefundException(string message) : Exception(message);
