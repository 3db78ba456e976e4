using MassTransit;
using Orchestration.Messages;
using Orchestration.Messages.Billing;

namespace Orchestration.Sagas.Billing;

/// <summary>
/// The work of each step of <see cref="RentCollectionStateMachine"/>: what it records on the charge and the messages it
/// sends or publishes. Every ledger entry's id derives from the charge and the gateway's payment (or refund) id, so a
/// step repeated by a redelivery writes nothing new.
/// </summary>
static class RentCollectionSteps
{
    public static EventActivityBinder<RentCollectionState, RentChargePosted> RecordCharge(
        this EventActivityBinder<RentCollectionState, RentChargePosted> binder)
    {
        var machine = binder.Machine();
        return binder.Then(context =>
        {
            var (charge, posted) = (context.Saga, context.Message);
            charge.LeaseId = posted.LeaseId;
            charge.RentRunId = posted.RentRunId;
            charge.Period = posted.Period;
            charge.Amount = posted.Amount.Amount;
            charge.Currency = posted.Amount.Currency;
            charge.DueOn = posted.DueOn;
            charge.GraceDays = posted.GraceDays;
            charge.Autopay = posted.Autopay;
            charge.PostedAt = machine.Now;
        });
    }

    /// <summary>One autopay attempt. The first is keyed by the charge id; each retry creates an intent of its own.</summary>
    public static EventActivityBinder<RentCollectionState, T> RequestAutopay<T>(this EventActivityBinder<RentCollectionState, T> binder)
        where T : class =>
        binder
            .Then(context => context.Saga.AutopayAttempts++)
            .Send(context => new RequestRentPayment
            {
                ChargeId = context.Saga.CorrelationId,
                LeaseId = context.Saga.LeaseId,
                Amount = context.Saga.OutstandingMoney(),
                Attempt = context.Saga.AutopayAttempts,
                IdempotencyKey = context.Saga.AutopayAttempts == 1
                    ? context.Saga.CorrelationId.ToString("N")
                    : $"{context.Saga.CorrelationId:N}-attempt-{context.Saga.AutopayAttempts}",
            });

    public static EventActivityBinder<RentCollectionState, T> SendNotice<T>(this EventActivityBinder<RentCollectionState, T> binder,
        RentNotice notice, Func<RentCollectionState, string> fact, Func<BehaviorContext<RentCollectionState, T>, string?>? reason = null,
        Func<BehaviorContext<RentCollectionState, T>, DateTimeOffset?>? nextAttemptAt = null)
        where T : class =>
        binder.Send(context => new SendRentNotice
        {
            LeaseId = context.Saga.LeaseId,
            ChargeId = context.Saga.CorrelationId,
            Notice = notice,
            Amount = context.Saga.OutstandingMoney(),
            DeduplicationKey = $"rent-{context.Saga.CorrelationId:N}-{fact(context.Saga)}",
            Reason = reason?.Invoke(context),
            NextAttemptAt = nextAttemptAt?.Invoke(context),
        });

    public static EventActivityBinder<RentCollectionState, RentPaymentSucceeded> RecordPayment(
        this EventActivityBinder<RentCollectionState, RentPaymentSucceeded> binder) =>
        binder
            .CountPayment(m => m.PaymentId, m => m.Amount, m => m.OccurredAt)
            .Send(context => new SendRentNotice
            {
                LeaseId = context.Saga.LeaseId,
                ChargeId = context.Saga.CorrelationId,
                Notice = RentNotice.Receipt,
                Amount = context.Message.Amount,
                DeduplicationKey = $"rent-{context.Saga.CorrelationId:N}-receipt-{context.Message.PaymentId}",
            });

    /// <summary>
    /// A return or dispute that overtook the payment's success: the payment is counted from it (the gateway reports both
    /// with its amount), so the withdrawal that follows has something to take back, and the late success is a duplicate.
    /// </summary>
    public static EventActivityBinder<RentCollectionState, T> CountPaymentIfNew<T>(this EventActivityBinder<RentCollectionState, T> binder,
        Func<T, string> paymentId, Func<T, Money> amount, Func<T, DateTimeOffset> occurredAt)
        where T : class =>
        binder.If(context => !context.Saga.Payments.ContainsKey(paymentId(context.Message)), x => x.CountPayment(paymentId, amount, occurredAt));

    static EventActivityBinder<RentCollectionState, T> CountPayment<T>(this EventActivityBinder<RentCollectionState, T> binder,
        Func<T, string> paymentId, Func<T, Money> amount, Func<T, DateTimeOffset> occurredAt)
        where T : class =>
        binder
            .Then(context =>
            {
                context.Saga.Payments[paymentId(context.Message)] = amount(context.Message).Amount;
                context.Saga.Paid += amount(context.Message).Amount;
                context.Saga.Processing = false;
            })
            .Ledger(_ => LedgerEntryKind.Payment, context => -amount(context.Message).Amount, context => paymentId(context.Message), "payment",
                context => occurredAt(context.Message));

    public static EventActivityBinder<RentCollectionState, RentPaymentFailed> RecordFailure(
        this EventActivityBinder<RentCollectionState, RentPaymentFailed> binder)
    {
        var machine = binder.Machine();
        return binder.Then(context =>
        {
            var charge = context.Saga;
            charge.FailedPayments.Add(context.Message.PaymentId);
            charge.Processing = false;
            if (!charge.Autopay)
                return;
            charge.AutopayFailures++;
            charge.FirstFailureAt ??= machine.Now;
        });
    }

    /// <summary>The grace period is over with the charge unpaid: late fees are assessed and the tenant told.</summary>
    public static EventActivityBinder<RentCollectionState, T> BecomeLate<T>(this EventActivityBinder<RentCollectionState, T> binder)
        where T : class
    {
        var machine = binder.Machine();
        return binder
            .Then(context => context.Saga.LateAt = machine.Now)
            .AssessLateFeesIfLate()
            .SendNotice(RentNotice.LateFee, _ => "late");
    }

    /// <summary>While the charge is late, every payment, return and accrual day brings the lease's late fees up to date.</summary>
    public static EventActivityBinder<RentCollectionState, T> AssessLateFeesIfLate<T>(this EventActivityBinder<RentCollectionState, T> binder)
        where T : class
    {
        var machine = binder.Machine();
        return binder.If(context => context.Saga.LateAt is not null, x => x.Send(context => new AssessLateFees
        {
            LeaseId = context.Saga.LeaseId,
            ChargeId = context.Saga.CorrelationId,
            Through = DateOnly.FromDateTime(machine.Now.UtcDateTime),
        }));
    }

    /// <summary>A returned payment: reversed in the ledger, the returned-payment fee charged, the tenant told.</summary>
    public static EventActivityBinder<RentCollectionState, RentPaymentReturned> RecordReturn(
        this EventActivityBinder<RentCollectionState, RentPaymentReturned> binder)
    {
        var machine = binder.Machine();
        return binder
            .TakeBack(m => m.PaymentId, m => m.OccurredAt, LedgerEntryKind.Reversal, "reversal")
            .If(_ => machine.Options.ReturnedPaymentFee > 0, x => x
                .Ledger(_ => LedgerEntryKind.NsfFee, _ => machine.Options.ReturnedPaymentFee, context => context.Message.PaymentId, "nsf-fee",
                    context => context.Message.OccurredAt))
            .SendNotice(RentNotice.PaymentReturned, _ => "returned", context => context.Message.Reason);
    }

    public static EventActivityBinder<RentCollectionState, RentPaymentReturned> TurnOffAutopay(
        this EventActivityBinder<RentCollectionState, RentPaymentReturned> binder) =>
        binder
            .Then(context => context.Saga.Autopay = false)
            .Send(context => new TurnOffAutopay
            {
                LeaseId = context.Saga.LeaseId,
                Reason = $"{context.Message.ReturnsOnLease} returned payments",
            })
            .SendNotice(RentNotice.AutopayTurnedOff, _ => "autopay-off");

    public static EventActivityBinder<RentCollectionState, T> RecordDispute<T>(this EventActivityBinder<RentCollectionState, T> binder,
        Func<T, string> paymentId, Func<T, DateTimeOffset> occurredAt)
        where T : class =>
        binder
            .Then(context => context.Saga.OpenDisputes.Add(paymentId(context.Message)))
            .TakeBack(paymentId, occurredAt, LedgerEntryKind.Dispute, "dispute");

    /// <summary>
    /// A won dispute gives the withdrawn funds back; a lost one leaves them withdrawn. A closing that overtook its
    /// opening withdraws the funds first, so either order ends the same.
    /// </summary>
    public static EventActivityBinder<RentCollectionState, RentDisputeClosed> RecordDisputeClosed(
        this EventActivityBinder<RentCollectionState, RentDisputeClosed> binder) =>
        binder
            .If(context => context.Saga.CanTakeBack(context.Message.PaymentId), x => x.RecordDispute(m => m.PaymentId, m => m.OccurredAt))
            .Then(context => context.Saga.OpenDisputes.Remove(context.Message.PaymentId))
            .If(context => context.Message.Won, x => x
                .Then(context => context.Saga.Paid += context.Saga.Payments[context.Message.PaymentId])
                .Ledger(_ => LedgerEntryKind.Dispute, context => -context.Saga.Payments[context.Message.PaymentId], context => context.Message.PaymentId,
                    "dispute-won", context => context.Message.OccurredAt));

    public static EventActivityBinder<RentCollectionState, RentPaymentRefunded> RecordRefund(
        this EventActivityBinder<RentCollectionState, RentPaymentRefunded> binder) =>
        binder
            .Then(context =>
            {
                context.Saga.Refunds.Add(context.Message.RefundId);
                context.Saga.Paid -= context.Message.Amount.Amount;
            })
            .Ledger(_ => LedgerEntryKind.Refund, context => context.Message.Amount.Amount, context => context.Message.RefundId, "refund",
                context => context.Message.OccurredAt);

    /// <summary>
    /// Moves the charge to the state its money says: paid in full, late, partly paid, settling at the bank, or awaiting
    /// payment; announces it for the rent run's progress.
    /// </summary>
    public static EventActivityBinder<RentCollectionState, T> Settle<T>(this EventActivityBinder<RentCollectionState, T> binder,
        RentCollectionStateMachine machine)
        where T : class =>
        binder
            .IfElse(context => context.Saga.Outstanding <= 0,
                paid => paid
                    .Then(context => context.Saga.PaidAt ??= machine.Now)
                    .Unschedule(machine.LateFeeAccrual)
                    .TransitionTo(machine.Paid),
                owed => owed
                    .Then(context => context.Saga.PaidAt = null)
                    .IfElse(context => context.Saga.LateAt is not null,
                        late => late.TransitionTo(machine.Late),
                        notLate => notLate.IfElse(context => context.Saga.Paid > 0,
                            partly => partly.TransitionTo(machine.PartiallyPaid),
                            unpaid => unpaid.IfElse(context => context.Saga.Processing,
                                processing => processing.TransitionTo(machine.Processing),
                                awaiting => awaiting.TransitionTo(machine.AwaitingPayment)))))
            .Progressed();

    public static EventActivityBinder<RentCollectionState, T> Progressed<T>(this EventActivityBinder<RentCollectionState, T> binder)
        where T : class
    {
        var machine = binder.Machine();
        return binder.Publish(context => new RentCollectionProgressed
        {
            ChargeId = context.Saga.CorrelationId,
            LeaseId = context.Saga.LeaseId,
            RentRunId = context.Saga.RentRunId,
            State = context.Saga.CurrentState,
            Outstanding = context.Saga.OutstandingMoney(),
            OccurredAt = machine.Now,
        });
    }

    /// <summary>Whether a succeeded payment is one the charge has not counted yet, in the charge's currency.</summary>
    public static bool IsNewPayment(this RentCollectionState charge, string paymentId, Money amount) =>
        !charge.Payments.ContainsKey(paymentId) && amount.Currency == charge.Currency && amount.Amount > 0;

    /// <summary>Neither succeeded nor failed yet: a report of processing or failure still applies to it.</summary>
    public static bool IsUnsettled(this RentCollectionState charge, string paymentId) =>
        !charge.Payments.ContainsKey(paymentId) && !charge.FailedPayments.Contains(paymentId);

    public static bool CanTakeBack(this RentCollectionState charge, string paymentId) =>
        charge.Payments.ContainsKey(paymentId) && !charge.TakenBack.Contains(paymentId);

    /// <summary>A payment the charge holds and can withdraw, or one it has not counted yet (its success still on the way).</summary>
    public static bool CanTakeBack(this RentCollectionState charge, string paymentId, Money amount) =>
        charge.CanTakeBack(paymentId) || charge.IsNewPayment(paymentId, amount);

    /// <summary>The first moment the charge is late: the start of the day after its grace days (the due day does not count).</summary>
    public static DateTimeOffset GraceEndsAt(this RentCollectionState charge) =>
        new(charge.DueOn.AddDays(charge.GraceDays + 1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

    public static Money OutstandingMoney(this RentCollectionState charge) => new(Math.Max(charge.Outstanding, 0m), charge.Currency);

    /// <summary>The payment's funds leave the charge (a return or a dispute): an entry that takes the payment's entry back.</summary>
    static EventActivityBinder<RentCollectionState, T> TakeBack<T>(this EventActivityBinder<RentCollectionState, T> binder,
        Func<T, string> paymentId, Func<T, DateTimeOffset> occurredAt, LedgerEntryKind kind, string fact)
        where T : class =>
        binder
            .Then(context =>
            {
                context.Saga.TakenBack.Add(paymentId(context.Message));
                context.Saga.Paid -= context.Saga.Payments[paymentId(context.Message)];
            })
            .Send(context => new RecordLedgerEntry
            {
                EntryId = RentIds.Entry(context.Saga.CorrelationId, paymentId(context.Message), fact),
                LeaseId = context.Saga.LeaseId,
                ChargeId = context.Saga.CorrelationId,
                Kind = kind,
                Amount = new Money(context.Saga.Payments[paymentId(context.Message)], context.Saga.Currency),
                Reverses = RentIds.Entry(context.Saga.CorrelationId, paymentId(context.Message), "payment"),
                OccurredAt = occurredAt(context.Message),
            });

    static EventActivityBinder<RentCollectionState, T> Ledger<T>(this EventActivityBinder<RentCollectionState, T> binder,
        Func<BehaviorContext<RentCollectionState, T>, LedgerEntryKind> kind, Func<BehaviorContext<RentCollectionState, T>, decimal> amount,
        Func<BehaviorContext<RentCollectionState, T>, string> sourceId, string fact, Func<BehaviorContext<RentCollectionState, T>, DateTimeOffset> occurredAt)
        where T : class =>
        binder.Send(context => new RecordLedgerEntry
        {
            EntryId = RentIds.Entry(context.Saga.CorrelationId, sourceId(context), fact),
            LeaseId = context.Saga.LeaseId,
            ChargeId = context.Saga.CorrelationId,
            Kind = kind(context),
            Amount = new Money(amount(context), context.Saga.Currency),
            OccurredAt = occurredAt(context),
        });

    static RentCollectionStateMachine Machine<T>(this EventActivityBinder<RentCollectionState, T> binder)
        where T : class =>
        (RentCollectionStateMachine)binder.StateMachine;
}
