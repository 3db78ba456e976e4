using MassTransit;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Payments;

/// <summary>Refunds a received move-in payment (the amount asked, in the payment's currency) under the command's <c>IdempotencyKey</c>.</summary>
public sealed class RefundMoveInFundsConsumer(MoveInRefunds refunds) : IConsumer<RefundMoveInFunds>
{
    public async Task Consume(ConsumeContext<RefundMoveInFunds> context)
    {
        var command = context.Message;
        await refunds.RefundAsync(command.LeaseId, command.PaymentId, MinorUnits.From(command.Amount), command.Reason, command.IdempotencyKey,
            context.CancellationToken);
    }
}
