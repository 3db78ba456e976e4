using MassTransit;
using Orchestration.Messages.Billing;

namespace Orchestration.Sagas.Billing;

/// <summary>
/// Collects one rent charge: autopay (with retries) or an invoice; bank debits that stay processing for days; partial
/// payments; the grace period, then late fees; returned payments (reversed, NSF fee, fees recomputed, autopay off after
/// too many); disputes; refunds of overpayment; a receipt for every payment. The gateway's events may arrive in any
/// order and more than once: each payment id counts once, and a report about a payment already settled is dropped.
/// What each step records and sends is in <see cref="RentCollectionSteps"/>.
/// </summary>
public sealed class RentCollectionStateMachine : MassTransitStateMachine<RentCollectionState>
{
    readonly TimeProvider _time;

    public RentCollectionStateMachine(RentCollectionOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.ThrowIfInvalid();
        Options = options;
        _time = timeProvider;

        InstanceState(x => x.CurrentState);

        Event(() => RentChargePosted, e => e.CorrelateById(m => m.Message.ChargeId));
        // Billing publishes a payment's facts only for a charge it has posted, and a charge's saga is never removed, so a
        // fact that finds no saga overtook the charge's RentChargePosted: it fails, and recoverability brings it back once
        // the saga exists, rather than the money being dropped.
        Event(() => RentPaymentSucceeded, e => { e.CorrelateById(m => m.Message.ChargeId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => RentPaymentProcessing, e => { e.CorrelateById(m => m.Message.ChargeId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => RentPaymentFailed, e => { e.CorrelateById(m => m.Message.ChargeId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => RentPaymentReturned, e => { e.CorrelateById(m => m.Message.ChargeId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => RentPaymentDisputed, e => { e.CorrelateById(m => m.Message.ChargeId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => RentDisputeClosed, e => { e.CorrelateById(m => m.Message.ChargeId); e.OnMissingInstance(m => m.Fault()); });
        Event(() => RentPaymentRefunded, e => { e.CorrelateById(m => m.Message.ChargeId); e.OnMissingInstance(m => m.Fault()); });

        Schedule(() => GracePeriod, x => x.GracePeriodTokenId, s => s.Received = e => e.CorrelateById(m => m.Message.ChargeId));
        Schedule(() => AutopayRetry, x => x.RetryTokenId, s => s.Received = e => e.CorrelateById(m => m.Message.ChargeId));
        Schedule(() => LateFeeAccrual, x => x.AccrualTokenId, s =>
        {
            s.Delay = options.LateFeeAccrualInterval;
            s.Received = e => e.CorrelateById(m => m.Message.ChargeId);
        });

        BeforeEnterAny(x => x.Then(context => context.Saga.LastTransitionAt = Now));

        Initially(
            When(RentChargePosted)
                .RecordCharge()
                .IfElse(context => context.Saga.Autopay, x => x.RequestAutopay(), x => x.SendNotice(RentNotice.Invoice, _ => "invoice"))
                .Schedule(GracePeriod, context => new RentGracePeriodEnded { ChargeId = context.Saga.CorrelationId }, GraceRemaining)
                .TransitionTo(AwaitingPayment)
                .Progressed());

        var open = new[] { AwaitingPayment, Processing, PartiallyPaid, Late, Paid };
        During(open,
            When(RentPaymentSucceeded, context => context.Saga.IsNewPayment(context.Message.PaymentId, context.Message.Amount))
                .RecordPayment()
                .Unschedule(AutopayRetry)
                .AssessLateFeesIfLate()
                .Settle(this),
            When(RentPaymentProcessing, context => context.Saga.IsUnsettled(context.Message.PaymentId))
                .Then(context => context.Saga.Processing = true)
                .Settle(this),
            When(RentPaymentFailed, context => context.Saga.IsUnsettled(context.Message.PaymentId))
                .RecordFailure()
                .IfElse(context => context.Saga.Autopay && context.Saga.AutopayFailures <= Options.AutopayRetryDelays.Count,
                    x => x
                        .SendNotice(RentNotice.PaymentFailed, s => $"autopay-failed-{s.AutopayFailures}", context => context.Message.Reason,
                            context => NextAttemptAt(context.Saga))
                        .Schedule(AutopayRetry, context => new RentPaymentRetryDue { ChargeId = context.Saga.CorrelationId },
                            context => NextAttemptAt(context.Saga) > Now ? NextAttemptAt(context.Saga) - Now : TimeSpan.Zero),
                    x => x
                        .SendNotice(RentNotice.PaymentFailed, s => $"payment-failed-{s.FailedPayments.Count}", context => context.Message.Reason)
                        .SendNotice(RentNotice.Invoice, s => $"invoice-after-failure-{s.FailedPayments.Count}"))
                .Settle(this),
            When(AutopayRetry.Received, context => context.Saga.Outstanding > 0 && context.Saga.Autopay)
                .RequestAutopay(),
            When(GracePeriod.Received, context => context.Saga.Outstanding <= 0)
                .Then(context => context.Saga.GracePeriodOver = true),
            When(GracePeriod.Received, context => context.Saga.Outstanding > 0)
                .Then(context => context.Saga.GracePeriodOver = true)
                .BecomeLate()
                .Schedule(LateFeeAccrual, context => new RentLateFeesAccrue { ChargeId = context.Saga.CorrelationId })
                .Settle(this),
            When(LateFeeAccrual.Received, context => context.Saga.Outstanding > 0)
                .AssessLateFeesIfLate()
                .Schedule(LateFeeAccrual, context => new RentLateFeesAccrue { ChargeId = context.Saga.CorrelationId }),
            When(RentPaymentReturned, context => context.Saga.CanTakeBack(context.Message.PaymentId, context.Message.Amount))
                .CountPaymentIfNew(m => m.PaymentId, m => m.Amount, m => m.OccurredAt)
                .RecordReturn()
                .If(context => context.Saga.Autopay && context.Message.ReturnsOnLease >= Options.ReturnsBeforeAutopayOff, x => x.TurnOffAutopay())
                .If(context => context.Saga.LateAt is null && (context.Saga.GracePeriodOver || Now >= context.Saga.GraceEndsAt()), x => x
                    .BecomeLate()
                    .Schedule(LateFeeAccrual, context => new RentLateFeesAccrue { ChargeId = context.Saga.CorrelationId }))
                .AssessLateFeesIfLate()
                .Settle(this),
            When(RentPaymentDisputed, context => context.Saga.CanTakeBack(context.Message.PaymentId, context.Message.Amount))
                .CountPaymentIfNew(m => m.PaymentId, m => m.Amount, m => m.OccurredAt)
                .RecordDispute(m => m.PaymentId, m => m.OccurredAt)
                .Settle(this),
            When(RentDisputeClosed, context => context.Saga.OpenDisputes.Contains(context.Message.PaymentId)
                    || context.Saga.CanTakeBack(context.Message.PaymentId, context.Message.Amount))
                .CountPaymentIfNew(m => m.PaymentId, m => m.Amount, m => m.OccurredAt)
                .RecordDisputeClosed()
                .Settle(this),
            When(RentPaymentRefunded, context => !context.Saga.Refunds.Contains(context.Message.RefundId)
                    && context.Message.Amount.Currency == context.Saga.Currency)
                .RecordRefund()
                .Settle(this));

        // Delivery is at least once and the gateway retries its webhooks: a report the charge has no use for in its
        // current state (a duplicate, a timeout that lost its race) is dropped.
        DuringAny(
            Ignore(RentChargePosted), Ignore(RentPaymentSucceeded), Ignore(RentPaymentProcessing), Ignore(RentPaymentFailed),
            Ignore(RentPaymentReturned), Ignore(RentPaymentDisputed), Ignore(RentDisputeClosed), Ignore(RentPaymentRefunded),
            Ignore(GracePeriod.Received), Ignore(AutopayRetry.Received), Ignore(LateFeeAccrual.Received));
    }

    public State AwaitingPayment { get; private set; } = null!;
    public State Processing { get; private set; } = null!;
    public State PartiallyPaid { get; private set; } = null!;
    public State Late { get; private set; } = null!;
    public State Paid { get; private set; } = null!;

    public Event<RentChargePosted> RentChargePosted { get; private set; } = null!;
    public Event<RentPaymentSucceeded> RentPaymentSucceeded { get; private set; } = null!;
    public Event<RentPaymentProcessing> RentPaymentProcessing { get; private set; } = null!;
    public Event<RentPaymentFailed> RentPaymentFailed { get; private set; } = null!;
    public Event<RentPaymentReturned> RentPaymentReturned { get; private set; } = null!;
    public Event<RentPaymentDisputed> RentPaymentDisputed { get; private set; } = null!;
    public Event<RentDisputeClosed> RentDisputeClosed { get; private set; } = null!;
    public Event<RentPaymentRefunded> RentPaymentRefunded { get; private set; } = null!;

    public Schedule<RentCollectionState, RentGracePeriodEnded> GracePeriod { get; private set; } = null!;
    public Schedule<RentCollectionState, RentPaymentRetryDue> AutopayRetry { get; private set; } = null!;
    public Schedule<RentCollectionState, RentLateFeesAccrue> LateFeeAccrual { get; private set; } = null!;

    internal RentCollectionOptions Options { get; }

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Retry n (counted from 1) is due its configured delay after the first failure.</summary>
    DateTimeOffset NextAttemptAt(RentCollectionState charge) =>
        charge.FirstFailureAt.GetValueOrDefault(Now) + Options.AutopayRetryDelays[Math.Min(charge.AutopayFailures, Options.AutopayRetryDelays.Count) - 1];

    TimeSpan GraceRemaining(BehaviorContext<RentCollectionState, RentChargePosted> context)
    {
        var remaining = context.Saga.GraceEndsAt() - Now;
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }
}
