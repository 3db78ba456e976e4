using System.Globalization;
using MassTransit;
using Orchestration.Messages;
using Orchestration.Messages.Billing;
using Orchestration.Messages.Devices;
using Orchestration.Messages.Leasing;
using Orchestration.Messages.Notifications;

namespace Orchestration.Sagas.Leasing;

/// <summary>
/// Takes a lease from application to move-in: screening, the signed lease, the move-in funds and the access code.
/// A declined screening, an offer the applicant lets expire, or a staff cancellation undoes exactly what has been
/// done so far. An active lease stays as the record of the lease.
/// </summary>
public sealed class LeaseSigningStateMachine : MassTransitStateMachine<LeaseSigningState>
{
    readonly LeaseSigningOptions _options;
    readonly TimeProvider _time;

    public LeaseSigningStateMachine(LeaseSigningOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.SignatureReminderInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(options.MaxSignatureReminders);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.OfferExpiry, TimeSpan.Zero);
        if (!Uri.TryCreate(options.PaymentPortalUrl, UriKind.Absolute, out var portal) || (portal.Scheme != Uri.UriSchemeHttp && portal.Scheme != Uri.UriSchemeHttps))
            throw new ArgumentException($"'{options.PaymentPortalUrl}' is not an absolute http(s) URL.", nameof(options));

        _options = options;
        _time = timeProvider;

        InstanceState(x => x.CurrentState);

        Event(() => ApplicationSubmitted, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => ScreeningFinished, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => DocumentReady, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => EnvelopeSent, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => SignedByTenant, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => SignedByLandlord, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => FundsReceived, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => PaymentFailed, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => AccessGranted, e => e.CorrelateById(m => m.Message.LeaseId));
        Event(() => CancellationRequested, e => e.CorrelateById(m => m.Message.LeaseId));

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
            When(ApplicationSubmitted)
                .Then(context => RecordApplication(context.Saga, context.Message))
                .Send(context => new HoldUnit
                {
                    LeaseId = context.Saga.CorrelationId,
                    PropertyId = context.Saga.PropertyId,
                    UnitId = context.Saga.UnitId,
                })
                .Send(context => new RequestScreening
                {
                    LeaseId = context.Saga.CorrelationId,
                    ApplicantId = context.Saga.ApplicantId,
                    ApplicantName = context.Saga.ApplicantName,
                    ApplicantEmail = context.Saga.ApplicantEmail,
                })
                .Publish(context => new LeaseApplicationSubmitted
                {
                    LeaseId = context.Saga.CorrelationId,
                    PropertyId = context.Saga.PropertyId,
                    UnitId = context.Saga.UnitId,
                    ApplicantId = context.Saga.ApplicantId,
                    ApplicantName = context.Saga.ApplicantName,
                    ApplicantEmail = context.Saga.ApplicantEmail,
                    MonthlyRent = context.Message.MonthlyRent,
                    SecurityDeposit = context.Message.SecurityDeposit,
                    LeaseStart = context.Saga.LeaseStart,
                    LeaseEnd = context.Saga.LeaseEnd,
                    SubmittedAt = context.Saga.SubmittedAt.GetValueOrDefault(),
                })
                .TransitionTo(AwaitingScreening)
                .Progressed(context => Progress(context.Saga, "ApplicationSubmitted")));

        During(AwaitingScreening,
            When(ScreeningFinished, context => context.Message.Approved)
                .Then(context => RecordScreening(context.Saga, context.Message))
                .Send(context => new PrepareLeaseDocument
                {
                    LeaseId = context.Saga.CorrelationId,
                    PropertyId = context.Saga.PropertyId,
                    UnitId = context.Saga.UnitId,
                    ApplicantId = context.Saga.ApplicantId,
                    ApplicantName = context.Saga.ApplicantName,
                    MonthlyRent = MonthlyRent(context.Saga),
                    SecurityDeposit = SecurityDeposit(context.Saga),
                    LeaseStart = context.Saga.LeaseStart,
                    LeaseEnd = context.Saga.LeaseEnd,
                })
                .TransitionTo(AwaitingLeaseDocument)
                .Progressed(context => Progress(context.Saga, "ScreeningPassed")),
            When(ScreeningFinished, context => !context.Message.Approved)
                .Then(context => RecordScreening(context.Saga, context.Message))
                .Send(context => ReleaseUnitHold(context.Saga, "Screening declined"))
                .Publish(context => new LeaseApplicationDeclined
                {
                    LeaseId = context.Saga.CorrelationId,
                    PropertyId = context.Saga.PropertyId,
                    UnitId = context.Saga.UnitId,
                    ApplicantId = context.Saga.ApplicantId,
                    ScreeningId = context.Message.ScreeningId,
                    Reason = context.Message.Reason,
                    DeclinedAt = context.Saga.ScreenedAt.GetValueOrDefault(),
                })
                .Progressed(context => Progress(context.Saga, "ScreeningDeclined", context.Message.Reason, LeaseSigningStates.Declined))
                .Finalize());

        During(AwaitingLeaseDocument,
            When(DocumentReady)
                .Then(context =>
                {
                    var now = Now;
                    context.Saga.DocumentId = context.Message.DocumentId;
                    context.Saga.DocumentPreparedAt = now;
                    context.Saga.SentForSignatureAt = now;
                    context.Saga.OfferExpiresAt = now + _options.OfferExpiry;
                })
                .Send(context => new RequestTenantSignature
                {
                    LeaseId = context.Saga.CorrelationId,
                    DocumentId = context.Message.DocumentId,
                    ApplicantId = context.Saga.ApplicantId,
                    ApplicantName = context.Saga.ApplicantName,
                    ApplicantEmail = context.Saga.ApplicantEmail,
                    OfferExpiresAt = context.Saga.OfferExpiresAt.GetValueOrDefault(),
                })
                .Schedule(OfferDeadline, context => new LeaseOfferExpired { LeaseId = context.Saga.CorrelationId })
                .If(_ => _options.MaxSignatureReminders > 0, x => x
                    .Schedule(SignatureReminder, context => new SignatureReminderDue { LeaseId = context.Saga.CorrelationId }))
                .TransitionTo(AwaitingTenantSignature)
                .Progressed(context => Progress(context.Saga, "SentForSignature",
                    $"The offer stands until {IsoDate(context.Saga.OfferExpiresAt.GetValueOrDefault())}")));

        During(AwaitingTenantSignature,
            // The provider announces an envelope again when asked again; the link goes out once, with the first announcement.
            When(EnvelopeSent, context => context.Saga.SigningUrl is null)
                .Then(context =>
                {
                    context.Saga.EnvelopeId = context.Message.EnvelopeId;
                    context.Saga.SigningUrl = context.Message.SigningUrl;
                })
                .Send(context => TenantEmailFor(context.Saga, TenantEmail.SigningLink, "signing-link", new Dictionary<string, string>
                {
                    ["SigningUrl"] = context.Saga.SigningUrl!,
                    ["OfferExpiresOn"] = IsoDate(context.Saga.OfferExpiresAt.GetValueOrDefault()),
                }))
                .Progressed(context => Progress(context.Saga, "SigningLinkSent")),
            When(EnvelopeSent, context => context.Saga.SigningUrl is not null)
                .Then(context => context.Saga.EnvelopeId = context.Message.EnvelopeId),
            When(SignatureReminder.Received, context => context.Saga.SignatureRemindersSent < _options.MaxSignatureReminders && context.Saga.SigningUrl is not null)
                .Then(context => context.Saga.SignatureRemindersSent++)
                .Send(context => TenantEmailFor(context.Saga, TenantEmail.SignatureReminder, $"reminder-{context.Saga.SignatureRemindersSent}",
                    new Dictionary<string, string>
                    {
                        ["SigningUrl"] = context.Saga.SigningUrl!,
                        ["OfferExpiresOn"] = IsoDate(context.Saga.OfferExpiresAt.GetValueOrDefault()),
                    }))
                .Progressed(context => Progress(context.Saga, "ReminderSent",
                    $"Reminder {context.Saga.SignatureRemindersSent} of {_options.MaxSignatureReminders}"))
                .If(context => context.Saga.SignatureRemindersSent < _options.MaxSignatureReminders, x => x
                    .Schedule(SignatureReminder, context => new SignatureReminderDue { LeaseId = context.Saga.CorrelationId })),
            // A reminder is due before the provider has confirmed the envelope, so there is no link to remind with yet:
            // try again one interval later without counting this one.
            When(SignatureReminder.Received, context => context.Saga.SignatureRemindersSent < _options.MaxSignatureReminders && context.Saga.SigningUrl is null)
                .Schedule(SignatureReminder, context => new SignatureReminderDue { LeaseId = context.Saga.CorrelationId }),
            When(OfferDeadline.Received)
                .Send(context => VoidLeaseSignatures(context.Saga, "Offer expired before the applicant signed"))
                .Send(context => ReleaseUnitHold(context.Saga, "Offer expired before the applicant signed"))
                .Publish(context => new LeaseOfferLapsed
                {
                    LeaseId = context.Saga.CorrelationId,
                    PropertyId = context.Saga.PropertyId,
                    UnitId = context.Saga.UnitId,
                    ApplicantId = context.Saga.ApplicantId,
                    RemindersSent = context.Saga.SignatureRemindersSent,
                    LapsedAt = Now,
                })
                .Progressed(context => Progress(context.Saga, "OfferLapsed",
                    $"Not signed before the offer expired; {context.Saga.SignatureRemindersSent} reminder(s) sent", LeaseSigningStates.Lapsed))
                .Finalize(),
            When(SignedByTenant)
                .Then(context =>
                {
                    context.Saga.EnvelopeId = context.Message.EnvelopeId;
                    context.Saga.TenantSignedAt = context.Message.SignedAt;
                })
                .Send(context => new RequestLandlordCountersignature
                {
                    LeaseId = context.Saga.CorrelationId,
                    PropertyId = context.Saga.PropertyId,
                    UnitId = context.Saga.UnitId,
                    DocumentId = context.Saga.DocumentId.GetValueOrDefault(),
                    EnvelopeId = context.Saga.EnvelopeId,
                })
                .TransitionTo(AwaitingCountersignature)
                .Progressed(context => Progress(context.Saga, "TenantSigned")));

        // Both timeouts belong to the signature stage only, so leaving it by any route (signed, expired, cancelled)
        // stops them; a timeout already on its way is discarded because its token no longer matches.
        WhenLeave(AwaitingTenantSignature, x => x
            .Unschedule(SignatureReminder)
            .Unschedule(OfferDeadline));

        During(AwaitingCountersignature,
            When(SignedByLandlord)
                .Then(context =>
                {
                    context.Saga.CountersignedBy = context.Message.CountersignedBy;
                    context.Saga.CountersignedAt = context.Message.CountersignedAt;
                    context.Saga.MoveInFundsRequestedAt = Now;
                })
                .Send(context => new RequestMoveInFunds
                {
                    LeaseId = context.Saga.CorrelationId,
                    ApplicantId = context.Saga.ApplicantId,
                    ApplicantName = context.Saga.ApplicantName,
                    ApplicantEmail = context.Saga.ApplicantEmail,
                    SecurityDeposit = SecurityDeposit(context.Saga),
                    FirstMonthRent = MonthlyRent(context.Saga),
                    DueOn = context.Saga.LeaseStart,
                    IdempotencyKey = MoveInFundsKey(context.Saga.CorrelationId),
                })
                .Send(context => TenantEmailFor(context.Saga, TenantEmail.LeaseCountersigned, "countersigned", new Dictionary<string, string>
                {
                    ["LeaseStart"] = IsoDate(context.Saga.LeaseStart),
                    ["AmountDue"] = MoveInAmountDue(context.Saga),
                    ["DueOn"] = IsoDate(context.Saga.LeaseStart),
                    ["PaymentUrl"] = PaymentUrl(context.Saga),
                }))
                .TransitionTo(AwaitingMoveInFunds)
                .Progressed(context => Progress(context.Saga, "LandlordCountersigned", $"Countersigned by {context.Saga.CountersignedBy}")));

        During(AwaitingMoveInFunds,
            When(PaymentFailed)
                .Then(context =>
                {
                    context.Saga.FailedMoveInPayments++;
                    context.Saga.LastMoveInPaymentFailure = context.Message.Reason;
                    context.Saga.LastMoveInPaymentFailedAt = context.Message.FailedAt;
                })
                .Send(context => TenantEmailFor(context.Saga, TenantEmail.MoveInPaymentFailed, $"payment-failed-{context.Saga.FailedMoveInPayments}",
                    new Dictionary<string, string>
                    {
                        ["AmountDue"] = MoveInAmountDue(context.Saga),
                        ["Reason"] = context.Message.Reason,
                        ["PaymentUrl"] = PaymentUrl(context.Saga),
                    }))
                .Progressed(context => Progress(context.Saga, "MoveInPaymentFailed", context.Message.Reason)),
            When(FundsReceived)
                .Then(context =>
                {
                    context.Saga.MoveInPaymentId = context.Message.PaymentId;
                    context.Saga.MoveInFundsAmount = context.Message.Amount.Amount;
                    context.Saga.MoveInFundsCurrency = context.Message.Amount.Currency;
                    context.Saga.MoveInFundsReceivedAt = context.Message.ReceivedAt;
                    context.Saga.AccessCodeRequestedAt = Now;
                })
                .Send(context => new IssueAccessCode
                {
                    LeaseId = context.Saga.CorrelationId,
                    PropertyId = context.Saga.PropertyId,
                    UnitId = context.Saga.UnitId,
                    TenantId = context.Saga.ApplicantId,
                    ValidFrom = context.Saga.LeaseStart,
                    ValidThrough = context.Saga.LeaseEnd,
                })
                .Send(context => TenantEmailFor(context.Saga, TenantEmail.MoveInFundsReceived, "funds-received", new Dictionary<string, string>
                {
                    ["Amount"] = Format(context.Message.Amount),
                    ["LeaseStart"] = IsoDate(context.Saga.LeaseStart),
                }))
                .TransitionTo(AwaitingAccessCode)
                .Progressed(context => Progress(context.Saga, "MoveInFundsReceived", Format(context.Message.Amount))));

        During(AwaitingAccessCode,
            When(AccessGranted)
                .Then(context =>
                {
                    context.Saga.AccessCodeId = context.Message.AccessCodeId;
                    context.Saga.AccessCodeIssuedAt = context.Message.IssuedAt;
                    context.Saga.ActivatedAt = Now;
                })
                .Publish(context => new LeaseActivated
                {
                    LeaseId = context.Saga.CorrelationId,
                    PropertyId = context.Saga.PropertyId,
                    UnitId = context.Saga.UnitId,
                    TenantId = context.Saga.ApplicantId,
                    MonthlyRent = MonthlyRent(context.Saga),
                    SecurityDeposit = SecurityDeposit(context.Saga),
                    LeaseStart = context.Saga.LeaseStart,
                    LeaseEnd = context.Saga.LeaseEnd,
                    ActivatedAt = context.Saga.ActivatedAt.GetValueOrDefault(),
                })
                .Send(context => TenantEmailFor(context.Saga, TenantEmail.Welcome, "welcome", new Dictionary<string, string>
                {
                    ["LeaseStart"] = IsoDate(context.Saga.LeaseStart),
                    ["AccessInstructions"] = AccessInstructions(context.Saga),
                }))
                .TransitionTo(Active)
                .Progressed(context => Progress(context.Saga, "LeaseActivated")));

        // What a cancellation undoes follows from what the lease has been through, not from the stage it is in,
        // so a later stage can never forget an earlier step's compensation.
        During([AwaitingScreening, AwaitingLeaseDocument, AwaitingTenantSignature, AwaitingCountersignature, AwaitingMoveInFunds, AwaitingAccessCode],
            When(CancellationRequested)
                .If(context => context.Saga.SentForSignatureAt.HasValue, x => x
                    .Send(context => VoidLeaseSignatures(context.Saga, context.Message.Reason)))
                .If(context => context.Saga.MoveInFundsRequestedAt.HasValue && !context.Saga.MoveInFundsReceivedAt.HasValue, x => x
                    .Send(context => new CancelMoveInFundsRequest
                    {
                        LeaseId = context.Saga.CorrelationId,
                        IdempotencyKey = MoveInFundsKey(context.Saga.CorrelationId),
                        Reason = context.Message.Reason,
                    }))
                .If(context => context.Saga.MoveInFundsReceivedAt.HasValue, x => x
                    .Send(context => RefundMoveInFunds(context.Saga, context.Message.Reason)))
                .If(context => context.Saga.AccessCodeRequestedAt.HasValue, x => x
                    .Send(context => new RevokeAccessCode
                    {
                        LeaseId = context.Saga.CorrelationId,
                        PropertyId = context.Saga.PropertyId,
                        UnitId = context.Saga.UnitId,
                        AccessCodeId = context.Saga.AccessCodeId,
                        Reason = context.Message.Reason,
                    }))
                .Send(context => ReleaseUnitHold(context.Saga, context.Message.Reason))
                .Publish(context => new LeaseCancelled
                {
                    LeaseId = context.Saga.CorrelationId,
                    PropertyId = context.Saga.PropertyId,
                    UnitId = context.Saga.UnitId,
                    ApplicantId = context.Saga.ApplicantId,
                    Reason = context.Message.Reason,
                    CancelledBy = context.Message.CancelledBy,
                    CancelledDuring = context.Saga.CurrentState,
                    CancelledAt = Now,
                })
                .Send(context => TenantEmailFor(context.Saga, TenantEmail.LeaseCancelled, "cancelled", new Dictionary<string, string>
                {
                    ["Reason"] = context.Message.Reason,
                }))
                .Progressed(context => Progress(context.Saga, "LeaseCancelled", context.Message.Reason, LeaseSigningStates.Cancelled))
                .Finalize());

        // Delivery is at least once and providers retry their webhooks, so duplicates and replies that arrive after
        // the lease has moved on are normal; a stage with no use for a message drops it.
        DuringAny(
            Ignore(ApplicationSubmitted),
            Ignore(ScreeningFinished),
            Ignore(DocumentReady),
            Ignore(EnvelopeSent),
            Ignore(SignedByTenant),
            Ignore(SignedByLandlord),
            Ignore(FundsReceived),
            Ignore(PaymentFailed),
            Ignore(AccessGranted),
            Ignore(CancellationRequested),
            Ignore(SignatureReminder.Received),
            Ignore(OfferDeadline.Received));

        SetCompletedWhenFinalized();
    }

    public State AwaitingScreening { get; private set; } = null!;
    public State AwaitingLeaseDocument { get; private set; } = null!;
    public State AwaitingTenantSignature { get; private set; } = null!;
    public State AwaitingCountersignature { get; private set; } = null!;
    public State AwaitingMoveInFunds { get; private set; } = null!;
    public State AwaitingAccessCode { get; private set; } = null!;
    public State Active { get; private set; } = null!;

    public Event<SubmitLeaseApplication> ApplicationSubmitted { get; private set; } = null!;
    public Event<ScreeningCompleted> ScreeningFinished { get; private set; } = null!;
    public Event<LeaseDocumentPrepared> DocumentReady { get; private set; } = null!;
    public Event<TenantSignatureRequested> EnvelopeSent { get; private set; } = null!;
    public Event<TenantSigned> SignedByTenant { get; private set; } = null!;
    public Event<LandlordCountersigned> SignedByLandlord { get; private set; } = null!;
    public Event<MoveInFundsReceived> FundsReceived { get; private set; } = null!;
    public Event<MoveInPaymentFailed> PaymentFailed { get; private set; } = null!;
    public Event<AccessCodeIssued> AccessGranted { get; private set; } = null!;
    public Event<CancelLease> CancellationRequested { get; private set; } = null!;

    public Schedule<LeaseSigningState, SignatureReminderDue> SignatureReminder { get; private set; } = null!;
    public Schedule<LeaseSigningState, LeaseOfferExpired> OfferDeadline { get; private set; } = null!;

    DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>The step just counted by <see cref="LeaseProgress.Progressed"/>; <paramref name="outcome"/> names the stage a lease ends in.</summary>
    LeaseSigningProgressed Progress(LeaseSigningState lease, string step, string? detail = null, string? outcome = null) => new()
    {
        LeaseId = lease.CorrelationId,
        PropertyId = lease.PropertyId,
        UnitId = lease.UnitId,
        State = outcome ?? lease.CurrentState,
        Step = step,
        Sequence = lease.ProgressSequence,
        OccurredAt = Now,
        Detail = detail,
    };

    void RecordApplication(LeaseSigningState lease, SubmitLeaseApplication application)
    {
        lease.PropertyId = application.PropertyId;
        lease.UnitId = application.UnitId;
        lease.ApplicantId = application.ApplicantId;
        lease.ApplicantName = application.ApplicantName;
        lease.ApplicantEmail = application.ApplicantEmail;
        lease.MonthlyRentAmount = application.MonthlyRent.Amount;
        lease.MonthlyRentCurrency = application.MonthlyRent.Currency;
        lease.SecurityDepositAmount = application.SecurityDeposit.Amount;
        lease.SecurityDepositCurrency = application.SecurityDeposit.Currency;
        lease.LeaseStart = application.LeaseStart;
        lease.LeaseEnd = application.LeaseEnd;
        lease.SubmittedAt = Now;
    }

    void RecordScreening(LeaseSigningState lease, ScreeningCompleted screening)
    {
        lease.ScreeningId = screening.ScreeningId;
        lease.ScreenedAt = Now;
    }

    static Money MonthlyRent(LeaseSigningState lease) => new(lease.MonthlyRentAmount, lease.MonthlyRentCurrency);

    static Money SecurityDeposit(LeaseSigningState lease) => new(lease.SecurityDepositAmount, lease.SecurityDepositCurrency);

    // Derived from the lease id, so every retry of the request, and its cancellation, name the same payment.
    static string MoveInFundsKey(Guid leaseId) => $"lease-{leaseId:N}-move-in";

    static SendTenantEmail TenantEmailFor(LeaseSigningState lease, TenantEmail email, string fact, IReadOnlyDictionary<string, string> values) => new()
    {
        LeaseId = lease.CorrelationId,
        Email = email,
        RecipientEmail = lease.ApplicantEmail,
        RecipientName = lease.ApplicantName,
        DeduplicationKey = $"lease-{lease.CorrelationId:N}-{fact}",
        Values = values,
    };

    static string IsoDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static string IsoDate(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static string Format(decimal amount, string currency) => $"{amount.ToString("N2", CultureInfo.InvariantCulture)} {currency}";

    static string Format(Money money) => Format(money.Amount, money.Currency);

    // The deposit and the first month's rent, as one total when they are in the same currency.
    static string MoveInAmountDue(LeaseSigningState lease) =>
        lease.SecurityDepositCurrency == lease.MonthlyRentCurrency
            ? Format(lease.SecurityDepositAmount + lease.MonthlyRentAmount, lease.MonthlyRentCurrency)
            : $"{Format(SecurityDeposit(lease))} + {Format(MonthlyRent(lease))}";

    string PaymentUrl(LeaseSigningState lease) => $"{_options.PaymentPortalUrl.TrimEnd('/')}/{lease.CorrelationId:N}";

    // The code itself reaches the tenant from Devices only; the email says when and where, never what.
    static string AccessInstructions(LeaseSigningState lease) =>
        $"Your access code will be active from {IsoDate(lease.LeaseStart)}; collect it at the leasing office.";

    static ReleaseUnitHold ReleaseUnitHold(LeaseSigningState lease, string reason) => new()
    {
        LeaseId = lease.CorrelationId,
        PropertyId = lease.PropertyId,
        UnitId = lease.UnitId,
        Reason = reason,
    };

    static VoidLeaseSignatures VoidLeaseSignatures(LeaseSigningState lease, string reason) => new()
    {
        LeaseId = lease.CorrelationId,
        EnvelopeId = lease.EnvelopeId,
        Reason = reason,
    };

    static RefundMoveInFunds RefundMoveInFunds(LeaseSigningState lease, string reason)
    {
        if (lease.MoveInPaymentId is not { } paymentId || lease.MoveInFundsAmount is not { } amount || lease.MoveInFundsCurrency is not { } currency)
            throw new InvalidOperationException($"Lease {lease.CorrelationId} has no move-in payment to refund.");

        return new RefundMoveInFunds
        {
            LeaseId = lease.CorrelationId,
            PaymentId = paymentId,
            Amount = new Money(amount, currency),
            IdempotencyKey = $"{MoveInFundsKey(lease.CorrelationId)}-refund",
            Reason = reason,
        };
    }
}
