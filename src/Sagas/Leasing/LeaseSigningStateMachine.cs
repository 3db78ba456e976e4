using MassTransit;
using Orchestration.Messages.Devices;
using Orchestration.Messages.Leasing;

namespace Orchestration.Sagas.Leasing;

/// <summary>
/// Takes a lease from application to move-in: screening, the signed lease, the move-in funds and the access code.
/// A declined screening, an offer the applicant lets expire, or a staff cancellation undoes exactly what has been
/// done so far. An active lease stays as the record of the lease. What each step records and sends is in
/// <see cref="LeaseSigningSteps"/>.
/// </summary>
public sealed class LeaseSigningStateMachine : MassTransitStateMachine<LeaseSigningState>
{
    readonly TimeProvider _time;

    public LeaseSigningStateMachine(LeaseSigningOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.ThrowIfInvalid();
        Options = options;
        _time = timeProvider;

        InstanceState(x => x.CurrentState);

        Event(() => SubmitLeaseApplication, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => ScreeningCompleted, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => LeaseDocumentPrepared, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => TenantSignatureRequested, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => TenantSigned, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => LandlordCountersigned, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => MoveInFundsReceived, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => MoveInPaymentFailed, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => AccessCodeIssued, e => e.CorrelateById(m => m.Message.LeaseId));
        // Locks escalate the visit codes of work orders too; those name no lease and are none of this saga's business.
        Event(() => LockCommandUnacknowledged, e =>
        {
            e.CorrelateById(m => m.Message.LeaseId ?? Guid.Empty);
            e.OnMissingInstance(m => m.Discard());
        });
        Event(() => CancelLease, e => e.CorrelateById(m => m.Message.LeaseId));

        Schedule(() => SignatureReminder, x => x.SignatureReminderTokenId, s =>
        {
            s.Delay = options.SignatureReminderInterval;
            s.Received = e => e.CorrelateById(m => m.Message.LeaseId);
        });
        Schedule(() => OfferDeadline, x => x.OfferExpiryTokenId, s =>
        {
            s.Delay = options.OfferExpiry;
            s.Received = e => e.CorrelateById(m => m.Message.LeaseId);
        });

        BeforeEnterAny(x => x.Then(context => context.Saga.LastTransitionAt = Now));

        Initially(
            When(SubmitLeaseApplication)
                .RecordApplication()
                .HoldTheUnit()
                .RequestScreening()
                .PublishApplicationSubmitted()
                .TransitionTo(AwaitingScreening)
                .Progressed("ApplicationSubmitted"));

        During(AwaitingScreening,
            When(ScreeningCompleted, context => context.Message.Approved)
                .RecordScreening()
                .PrepareLeaseDocument()
                .TransitionTo(AwaitingLeaseDocument)
                .Progressed("ScreeningPassed"),
            When(ScreeningCompleted, context => !context.Message.Approved)
                .RecordScreening()
                .UndoWhatWasDone("Screening declined")
                .PublishApplicationDeclined()
                .Progressed("ScreeningDeclined", context => context.Message.Reason, LeaseSigningStates.Declined)
                .Finalize());

        During(AwaitingLeaseDocument,
            When(LeaseDocumentPrepared)
                .RecordDocument()
                .RequestTenantSignature()
                .Schedule(OfferDeadline, OfferExpired)
                .If(_ => Options.MaxSignatureReminders > 0, x => x.Schedule(SignatureReminder, NextReminder))
                .TransitionTo(AwaitingTenantSignature)
                .Progressed("SentForSignature", context => $"The offer stands until {context.Saga.OfferExpiresOn()}"));

        During(AwaitingTenantSignature,
            // The provider announces an envelope again when asked again; the link goes out once, with the first announcement.
            When(TenantSignatureRequested, context => context.Saga.SigningUrl is null)
                .RecordEnvelope()
                .EmailSigningLink()
                .Progressed("SigningLinkSent"),
            When(TenantSignatureRequested, context => context.Saga.SigningUrl is not null)
                .Then(context => context.Saga.EnvelopeId = context.Message.EnvelopeId),
            When(SignatureReminder.Received, context => RemindersLeft(context.Saga) && context.Saga.SigningUrl is not null)
                .Then(context => context.Saga.SignatureRemindersSent++)
                .EmailSignatureReminder()
                .Progressed("ReminderSent",
                    context => $"Reminder {context.Saga.SignatureRemindersSent} of {Options.MaxSignatureReminders}")
                .If(context => RemindersLeft(context.Saga), x => x.Schedule(SignatureReminder, NextReminder)),
            // A reminder is due before the provider has confirmed the envelope, so there is no link to remind with yet:
            // try again one interval later without counting this one.
            When(SignatureReminder.Received, context => RemindersLeft(context.Saga) && context.Saga.SigningUrl is null)
                .Schedule(SignatureReminder, NextReminder),
            When(OfferDeadline.Received)
                .UndoWhatWasDone("Offer expired before the applicant signed")
                .PublishOfferLapsed()
                .Progressed("OfferLapsed",
                    context => $"Not signed before the offer expired; {context.Saga.SignatureRemindersSent} reminder(s) sent",
                    LeaseSigningStates.Lapsed)
                .Finalize(),
            When(TenantSigned)
                .RecordTenantSignature()
                .RequestLandlordCountersignature()
                .TransitionTo(AwaitingCountersignature)
                .Progressed("TenantSigned"));

        // Both timeouts belong to the signature stage only, so leaving it by any route (signed, expired, cancelled)
        // stops them; a timeout already on its way is discarded because its token no longer matches.
        WhenLeave(AwaitingTenantSignature, x => x.Unschedule(SignatureReminder).Unschedule(OfferDeadline));

        During(AwaitingCountersignature,
            When(LandlordCountersigned)
                .RecordCountersignature()
                .RequestMoveInFunds()
                .EmailLeaseCountersigned()
                .TransitionTo(AwaitingMoveInFunds)
                .Progressed("LandlordCountersigned", context => $"Countersigned by {context.Saga.CountersignedBy}"));

        During(AwaitingMoveInFunds,
            When(MoveInPaymentFailed)
                .RecordPaymentFailure()
                .EmailMoveInPaymentFailed()
                .Progressed("MoveInPaymentFailed", context => context.Message.Reason),
            // Billing passes on only the payment it asked for; a lease still moves only on exactly the amount due.
            When(MoveInFundsReceived, context => context.Saga.IsMoveInAmountDue(context.Message.Amount))
                .RecordFunds()
                .IssueAccessCode()
                .EmailMoveInFundsReceived()
                .TransitionTo(AwaitingAccessCode)
                .Progressed("MoveInFundsReceived", context => context.Message.Amount.ToDisplayString()),
            When(MoveInFundsReceived, context => !context.Saga.IsMoveInAmountDue(context.Message.Amount))
                .PublishFundsDiscrepancy());

        During(AwaitingAccessCode,
            When(AccessCodeIssued)
                .RecordAccessCode()
                .PublishLeaseActivated()
                .EmailWelcome()
                .TransitionTo(Active)
                .Progressed("LeaseActivated"),
            // The lease waits for a code the lock confirms: the tenant must not be told they can move in with a code that
            // may not open the door. Staff are told, and the lease goes on when the lock confirms (or is cancelled).
            When(LockCommandUnacknowledged, context => context.Message.Command == "issue-code"
                                                       && context.Saga.UnconfirmedAccessCodeCommandId != context.Message.CommandId)
                .TellStaffTheCodeIsUnconfirmed()
                .Progressed("AccessCodeUnconfirmed", context => $"the lock did not confirm the move-in code after {context.Message.Attempts} attempt(s)"));

        // What a cancellation undoes follows from what the lease has been through, not from the stage it is in,
        // so a later stage can never forget an earlier step's compensation.
        During(
            [AwaitingScreening, AwaitingLeaseDocument, AwaitingTenantSignature, AwaitingCountersignature, AwaitingMoveInFunds, AwaitingAccessCode],
            When(CancelLease)
                .UndoWhatWasDone(context => context.Message.Reason)
                .PublishLeaseCancelled()
                .EmailLeaseCancelled()
                .Progressed("LeaseCancelled", context => context.Message.Reason, LeaseSigningStates.Cancelled)
                .Finalize());

        // Delivery is at least once and providers retry their webhooks, so duplicates and replies that arrive after
        // the lease has moved on are normal; a stage with no use for a message drops it.
        DuringAny(
            Ignore(SubmitLeaseApplication), Ignore(ScreeningCompleted), Ignore(LeaseDocumentPrepared), Ignore(TenantSignatureRequested),
            Ignore(TenantSigned), Ignore(LandlordCountersigned), Ignore(MoveInFundsReceived), Ignore(MoveInPaymentFailed),
            Ignore(AccessCodeIssued), Ignore(CancelLease), Ignore(SignatureReminder.Received), Ignore(OfferDeadline.Received),
            Ignore(LockCommandUnacknowledged));

        SetCompletedWhenFinalized();
    }

    public State AwaitingScreening { get; private set; } = null!;
    public State AwaitingLeaseDocument { get; private set; } = null!;
    public State AwaitingTenantSignature { get; private set; } = null!;
    public State AwaitingCountersignature { get; private set; } = null!;
    public State AwaitingMoveInFunds { get; private set; } = null!;
    public State AwaitingAccessCode { get; private set; } = null!;
    public State Active { get; private set; } = null!;

    public Event<SubmitLeaseApplication> SubmitLeaseApplication { get; private set; } = null!;
    public Event<ScreeningCompleted> ScreeningCompleted { get; private set; } = null!;
    public Event<LeaseDocumentPrepared> LeaseDocumentPrepared { get; private set; } = null!;
    public Event<TenantSignatureRequested> TenantSignatureRequested { get; private set; } = null!;
    public Event<TenantSigned> TenantSigned { get; private set; } = null!;
    public Event<LandlordCountersigned> LandlordCountersigned { get; private set; } = null!;
    public Event<MoveInFundsReceived> MoveInFundsReceived { get; private set; } = null!;
    public Event<MoveInPaymentFailed> MoveInPaymentFailed { get; private set; } = null!;
    public Event<AccessCodeIssued> AccessCodeIssued { get; private set; } = null!;
    public Event<LockCommandUnacknowledged> LockCommandUnacknowledged { get; private set; } = null!;
    public Event<CancelLease> CancelLease { get; private set; } = null!;

    public Schedule<LeaseSigningState, SignatureReminderDue> SignatureReminder { get; private set; } = null!;
    public Schedule<LeaseSigningState, LeaseOfferExpired> OfferDeadline { get; private set; } = null!;

    internal LeaseSigningOptions Options { get; }

    internal DateTimeOffset Now => _time.GetUtcNow();

    bool RemindersLeft(LeaseSigningState lease) => lease.SignatureRemindersSent < Options.MaxSignatureReminders;

    static LeaseOfferExpired OfferExpired<T>(BehaviorContext<LeaseSigningState, T> context)
        where T : class =>
        new() { LeaseId = context.Saga.CorrelationId };

    static SignatureReminderDue NextReminder<T>(BehaviorContext<LeaseSigningState, T> context)
        where T : class =>
        new() { LeaseId = context.Saga.CorrelationId };
}
