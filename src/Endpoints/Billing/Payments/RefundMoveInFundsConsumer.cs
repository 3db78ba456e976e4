using MassTransit;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Payments;

/// <summary>
/// Refunds a received move-in payment (the amount asked, in the payment's currency) under the command's <c>IdempotencyKey</c>,
/// and takes back what its payment posted to the lease's ledger (<see cref="MoveInLedger"/>): the deposit is returned
/// first (a positive <see cref="LedgerEntryKind.DepositHeld"/> naming the entry it returns), then the first month's rent
/// (a <see cref="LedgerEntryKind.Refund"/>); rent refunded in full withdraws its charge too (a <see cref="LedgerEntryKind.Credit"/>
/// naming it), since the lease it was owed under is not going ahead. The entries are asked of the ledger with the commit
/// that marks the command handled, under ids derived from charge and payment, so a repeated command posts them once.
/// </summary>
public sealed class RefundMoveInFundsConsumer(SqlSession session, BillingStore store, LedgerStore ledger, MoveInRefunds refunds, TimeProvider time)
    : IConsumer<RefundMoveInFunds>
{
    public async Task Consume(ConsumeContext<RefundMoveInFunds> context)
    {
        var command = context.Message;
        // Read before the gateway is called: no step may run once the refund's writes are deferred.
        var posted = await session.ReadStepAsync(ct => PostedAsync(command, ct), context.CancellationToken);
        await refunds.RefundAsync(command.LeaseId, command.PaymentId, MinorUnits.From(command.Amount), command.Reason, command.IdempotencyKey,
            context.CancellationToken);
        if (posted is null)
            return;

        var (chargeId, entries) = posted.Value;
        var ledgerCommands = await context.GetSendEndpoint(new Uri($"queue:{CommandRoutes.Ledger}"));
        foreach (var entry in TakeBack(command, chargeId, entries, time.GetUtcNow()))
            await ledgerCommands.Send(entry, context.CancellationToken);
    }

    /// <summary>The move-in charge and the entries the payment posted, or null when it posted none.</summary>
    async Task<(Guid ChargeId, IReadOnlyDictionary<Guid, LedgerEntry> Entries)?> PostedAsync(RefundMoveInFunds command, CancellationToken cancellationToken)
    {
        if (await store.FindPaymentByIntentAsync(session, command.PaymentId, cancellationToken) is not { } payment || payment.LeaseId != command.LeaseId
            || MoveInLedger.LinesOf(payment) is not var (_, _, dueOn))
            return null;

        var chargeId = MoveInLedger.ChargeOf(payment.LeaseId, dueOn);
        var entries = await ledger.FindAsync(session,
            [chargeId, MoveInLedger.PaymentEntry(chargeId, command.PaymentId), MoveInLedger.DepositEntry(chargeId, command.PaymentId)], cancellationToken);
        return (chargeId, entries);
    }

    static IEnumerable<RecordLedgerEntry> TakeBack(RefundMoveInFunds command, Guid chargeId, IReadOnlyDictionary<Guid, LedgerEntry> entries,
        DateTimeOffset at)
    {
        var left = command.Amount.Amount;
        if (entries.GetValueOrDefault(MoveInLedger.DepositEntry(chargeId, command.PaymentId)) is { } deposit && left > 0)
        {
            var returned = Math.Min(left, -deposit.Amount.Amount);
            left -= returned;
            yield return Entry(command, chargeId, "deposit-returned", LedgerEntryKind.DepositHeld, new Money(returned, deposit.Amount.Currency), deposit.EntryId, at);
        }

        if (entries.GetValueOrDefault(MoveInLedger.PaymentEntry(chargeId, command.PaymentId)) is not { } rent || left <= 0)
            yield break;

        var paid = -rent.Amount.Amount;
        var refunded = Math.Min(left, paid);
        yield return Entry(command, chargeId, "refund", LedgerEntryKind.Refund, new Money(refunded, rent.Amount.Currency), null, at);
        if (refunded == paid && entries.GetValueOrDefault(chargeId) is { } charge)
            yield return Entry(command, chargeId, "charge-withdrawn", LedgerEntryKind.Credit, new Money(-charge.Amount.Amount, charge.Amount.Currency),
                charge.EntryId, at);
    }

    static RecordLedgerEntry Entry(RefundMoveInFunds command, Guid chargeId, string fact, LedgerEntryKind kind, Money amount, Guid? reverses,
        DateTimeOffset at) => new()
    {
        EntryId = RentIds.Entry(chargeId, command.PaymentId, fact),
        LeaseId = command.LeaseId,
        ChargeId = chargeId,
        Kind = kind,
        Amount = amount,
        Reverses = reverses,
        OccurredAt = at,
    };
}
