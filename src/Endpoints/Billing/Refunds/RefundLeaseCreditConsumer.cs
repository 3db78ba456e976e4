using MassTransit;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Endpoints.Billing.Payments;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Refunds;

/// <summary>
/// Pays back part of a lease's credit. In one step under the lease's refund lock (<see cref="LeaseCreditRefunds.LockAsync"/>),
/// committed before the gateway is called, it checks that the credit (the negative balance, deposits held excluded, less
/// what other staff refunds reserve) and the lease's received payments cover the amount, and either reserves the refund's
/// parts (the newest payments first, never more than each still holds) or records the refund refused with its reason and
/// fails it (<see cref="InvalidLeaseCreditRefundException"/>). Two refunds of one lease, in any consumer or instance, are
/// therefore decided one after the other, and the second sees what the first reserved. The accepted parts are then
/// refunded under keys derived from the refund id (<see cref="LeaseCreditRefunds.KeyOf"/>); a part the gateway confirms
/// asks the ledger for its <see cref="LedgerEntryKind.Refund"/> entry, and one it answers <c>pending</c> is settled by
/// <see cref="SettleLeaseCreditRefundConsumer"/>. A copy handled again finds its decision and its parts, and gets the same
/// refunds back from the gateway.
/// </summary>
public sealed class RefundLeaseCreditConsumer(SqlSession session, BillingStore store, LeaseCreditRefunds credits,
    PaymentGatewayClient gateway, TimeProvider time, ILogger<RefundLeaseCreditConsumer> logger) : IConsumer<RefundLeaseCredit>
{
    // Stripe keeps metadata values to 500 characters.
    const int MaxMetadataValue = 500;

    public async Task Consume(ConsumeContext<RefundLeaseCredit> context)
    {
        var command = context.Message;
        var amount = LedgerAmounts.ToMinor(command.Amount);
        if (amount <= 0)
            throw new InvalidLeaseCreditRefundException($"Refund {command.RefundId} of lease {command.LeaseId} asks for {command.Amount.Amount}.");

        // The check and the reservation, one step per lease, committed before the gateway is called.
        var (decision, parts) = await session.StepAsync(ct => DecideAsync(command, amount, ct), context.CancellationToken);
        if (decision.Status == CreditRefundStatus.Refused)
            throw new InvalidLeaseCreditRefundException(decision.Reason ?? $"Refund {command.RefundId} of lease {command.LeaseId} was refused.");

        // Every read before the gateway is called: no step may run once the first refund's write is deferred.
        var made = new Dictionary<string, RefundRecord>();
        foreach (var part in parts)
            if (await session.ReadStepAsync(ct => store.FindRefundAsync(session, part.IdempotencyKey, ct), context.CancellationToken) is { } earlier)
                made[part.IdempotencyKey] = earlier;

        var metadata = new Dictionary<string, string>
        {
            ["lease_id"] = command.LeaseId.ToString(),
            ["credit_refund"] = command.RefundId.ToString(),
            ["reason"] = command.Reason.Length > MaxMetadataValue ? command.Reason[..MaxMetadataValue] : command.Reason,
        };
        foreach (var part in parts)
        {
            if (!made.TryGetValue(part.IdempotencyKey, out var refund))
            {
                PaymentRefund answer;
                try
                {
                    answer = await gateway.RefundAsync(part.IntentId, part.Amount, metadata, part.IdempotencyKey, context.CancellationToken);
                }
                catch (PaymentGatewayRejectedException rejected)
                {
                    // Nothing was refunded (the payment was refunded or disputed meanwhile): the part's amount is credit again.
                    logger.LogWarning("Credit refund {RefundId} of lease {LeaseId}: the gateway refused to refund payment {PaymentIntentId} ({Code})",
                        command.RefundId, command.LeaseId, part.IntentId, rejected.Code);
                    credits.RecordStatus(session, part.IdempotencyKey, CreditRefundPartStatus.Failed, null);
                    continue;
                }
                store.RecordRefund(session, part.IdempotencyKey, command.LeaseId, answer, command.Reason, time.GetUtcNow().ToUnixTimeMilliseconds());
                refund = new RefundRecord(part.IdempotencyKey, command.LeaseId, part.IntentId, answer.Id, answer.Amount, answer.Status);
            }
            await LeaseCreditRefundOutcome.RecordAsync(context, session, credits, part, refund.RefundId, refund.Status, logger);
        }
        logger.LogInformation("Credit refund {RefundId} of lease {LeaseId}: {Amount} {Currency} from {Payments} payment(s)", command.RefundId,
            command.LeaseId, command.Amount.Amount, command.Amount.Currency, parts.Count);
    }

    async Task<(CreditRefundRecord Decision, IReadOnlyList<CreditRefundPart> Parts)> DecideAsync(RefundLeaseCredit command, long amount,
        CancellationToken cancellationToken)
    {
        await credits.LockAsync(session, command.LeaseId, cancellationToken);
        if (await credits.FindAsync(session, command.RefundId, cancellationToken) is { } earlier)
            return (earlier, await credits.PartsAsync(session, command.RefundId, cancellationToken));

        var currency = command.Amount.Currency;
        var credit = await credits.CreditAsync(session, command.LeaseId, currency, cancellationToken);
        var plan = Plan(await credits.RefundableAsync(session, command.LeaseId, currency, cancellationToken), amount);
        var refundable = plan.Sum(p => p.Amount);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (credit < amount || refundable < amount)
        {
            var reason = $"Refund {command.RefundId} of lease {command.LeaseId}: {command.Amount.Amount} {currency} asked, the credit is "
                + $"{LedgerAmounts.FromMinor(Math.Max(credit, 0), currency).Amount} and the received payments can return "
                + $"{LedgerAmounts.FromMinor(refundable, currency).Amount}.";
            logger.LogWarning("Credit refund {RefundId} of lease {LeaseId} refused: {Reason}", command.RefundId, command.LeaseId, reason);
            await credits.RefuseAsync(session, command, reason, now, cancellationToken);
            return (new CreditRefundRecord(command.RefundId, command.LeaseId, command.Amount, CreditRefundStatus.Refused, reason), []);
        }

        await credits.AcceptAsync(session, command, plan, now, cancellationToken);
        return (new CreditRefundRecord(command.RefundId, command.LeaseId, command.Amount, CreditRefundStatus.Accepted, null),
            await credits.PartsAsync(session, command.RefundId, cancellationToken));
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

/// <summary>What the gateway's status of one part of a staff refund leads to, whoever learnt it: the refund consumer or the settlement.</summary>
static class LeaseCreditRefundOutcome
{
    /// <summary>
    /// Records the status (deferred to the handler's commit) and, for a refund the gateway made, asks the ledger for its
    /// entry, whose id derives from the refund and the payment, so it is posted once however often this runs; a pending
    /// refund is handed to <see cref="SettleLeaseCreditRefundConsumer"/>, which asks the gateway how it ended.
    /// </summary>
    public static async Task RecordAsync(ConsumeContext context, SqlSession session, LeaseCreditRefunds credits, CreditRefundPart part,
        string gatewayRefundId, string status, ILogger logger)
    {
        credits.RecordStatus(session, part.IdempotencyKey, status, gatewayRefundId);
        var commands = await context.GetSendEndpoint(new Uri($"queue:{CommandRoutes.RentPayments}"));
        switch (status)
        {
            case CreditRefundPartStatus.Succeeded:
                var ledger = await context.GetSendEndpoint(new Uri($"queue:{CommandRoutes.Ledger}"));
                await ledger.Send(new RecordLedgerEntry
                {
                    EntryId = part.EntryId,
                    LeaseId = part.LeaseId,
                    ChargeId = part.ChargeId,
                    Kind = LedgerEntryKind.Refund,
                    Amount = LedgerAmounts.FromMinor(part.Amount, part.Currency),
                    OccurredAt = part.RequestedAt,
                }, context.CancellationToken);
                break;
            case CreditRefundPartStatus.Pending:
                logger.LogInformation("Credit refund {RefundId} of lease {LeaseId}: the gateway's refund {GatewayRefundId} of payment {PaymentIntentId} is pending",
                    part.RefundId, part.LeaseId, gatewayRefundId, part.IntentId);
                await commands.Send(new SettleLeaseCreditRefund { RefundId = part.RefundId, LeaseId = part.LeaseId, PaymentIntentId = part.IntentId },
                    context.CancellationToken);
                break;
            default:
                logger.LogWarning("Credit refund {RefundId} of lease {LeaseId}: the gateway answered {Status} for payment {PaymentIntentId}; its amount is credit again",
                    part.RefundId, part.LeaseId, status, part.IntentId);
                break;
        }
    }
}

/// <summary>A staff refund the lease's credit or its received payments cannot cover: no retry can help.</summary>
public sealed class InvalidLeaseCreditRefundException(string message) : Exception(message);
