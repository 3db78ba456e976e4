using System.Globalization;
using MassTransit;
using Orchestration.Messages;
using Orchestration.Messages.Billing;
using Orchestration.Messages.Devices;
using Orchestration.Messages.Leasing;
using Orchestration.Messages.Notifications;
using Orchestration.Messages.Reconciliation;

namespace Orchestration.Sagas.Leasing;

/// <summary>
/// The work of each step of <see cref="LeaseSigningStateMachine"/>: what it records on the lease and the messages it
/// sends or publishes. Kept apart so the state machine reads as the policy (which message, in which stage, leads where).
/// </summary>
static class LeaseSigningSteps
{
    public static EventActivityBinder<LeaseSigningState, SubmitLeaseApplication> RecordApplication(
        this EventActivityBinder<LeaseSigningState, SubmitLeaseApplication> binder)
    {
        var machine = binder.Machine();
        return binder.Then(context =>
        {
            var (lease, application) = (context.Saga, context.Message);
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
            lease.RecurringCharges = application.RecurringCharges?.ToList();
            lease.SubmittedAt = machine.Now;
        });
    }

    public static EventActivityBinder<LeaseSigningState, T> HoldTheUnit<T>(this EventActivityBinder<LeaseSigningState, T> binder)
        where T : class =>
        binder.Send(context => new HoldUnit
        {
            LeaseId = context.Saga.CorrelationId,
            PropertyId = context.Saga.PropertyId,
            UnitId = context.Saga.UnitId,
        });

    public static EventActivityBinder<LeaseSigningState, T> RequestScreening<T>(this EventActivityBinder<LeaseSigningState, T> binder)
        where T : class =>
        binder.Send(context => new RequestScreening
        {
            LeaseId = context.Saga.CorrelationId,
            ApplicantId = context.Saga.ApplicantId,
            ApplicantName = context.Saga.ApplicantName,
            ApplicantEmail = context.Saga.ApplicantEmail,
        });

    public static EventActivityBinder<LeaseSigningState, SubmitLeaseApplication> PublishApplicationSubmitted(
        this EventActivityBinder<LeaseSigningState, SubmitLeaseApplication> binder) =>
        binder.Publish(context => new LeaseApplicationSubmitted
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
        });

    public static EventActivityBinder<LeaseSigningState, ScreeningCompleted> RecordScreening(
        this EventActivityBinder<LeaseSigningState, ScreeningCompleted> binder)
    {
        var machine = binder.Machine();
        return binder.Then(context =>
        {
            context.Saga.ScreeningId = context.Message.ScreeningId;
            context.Saga.ScreenedAt = machine.Now;
        });
    }

    public static EventActivityBinder<LeaseSigningState, T> PrepareLeaseDocument<T>(this EventActivityBinder<LeaseSigningState, T> binder)
        where T : class =>
        binder.Send(context => new PrepareLeaseDocument
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
        });

    public static EventActivityBinder<LeaseSigningState, ScreeningCompleted> PublishApplicationDeclined(
        this EventActivityBinder<LeaseSigningState, ScreeningCompleted> binder) =>
        binder.Publish(context => new LeaseApplicationDeclined
        {
            LeaseId = context.Saga.CorrelationId,
            PropertyId = context.Saga.PropertyId,
            UnitId = context.Saga.UnitId,
            ApplicantId = context.Saga.ApplicantId,
            ScreeningId = context.Message.ScreeningId,
            Reason = context.Message.Reason,
            DeclinedAt = context.Saga.ScreenedAt.GetValueOrDefault(),
        });

    /// <summary>The offer's clock starts when the document is ready, because it goes out for signature at once.</summary>
    public static EventActivityBinder<LeaseSigningState, LeaseDocumentPrepared> RecordDocument(
        this EventActivityBinder<LeaseSigningState, LeaseDocumentPrepared> binder)
    {
        var machine = binder.Machine();
        return binder.Then(context =>
        {
            var now = machine.Now;
            context.Saga.DocumentId = context.Message.DocumentId;
            context.Saga.DocumentPreparedAt = now;
            context.Saga.SentForSignatureAt = now;
            context.Saga.OfferExpiresAt = now + machine.Options.OfferExpiry;
        });
    }

    public static EventActivityBinder<LeaseSigningState, LeaseDocumentPrepared> RequestTenantSignature(
        this EventActivityBinder<LeaseSigningState, LeaseDocumentPrepared> binder) =>
        binder.Send(context => new RequestTenantSignature
        {
            LeaseId = context.Saga.CorrelationId,
            DocumentId = context.Message.DocumentId,
            ApplicantId = context.Saga.ApplicantId,
            ApplicantName = context.Saga.ApplicantName,
            ApplicantEmail = context.Saga.ApplicantEmail,
            OfferExpiresAt = context.Saga.OfferExpiresAt.GetValueOrDefault(),
        });

    public static EventActivityBinder<LeaseSigningState, TenantSignatureRequested> RecordEnvelope(
        this EventActivityBinder<LeaseSigningState, TenantSignatureRequested> binder) =>
        binder.Then(context =>
        {
            context.Saga.EnvelopeId = context.Message.EnvelopeId;
            context.Saga.SigningUrl = context.Message.SigningUrl;
        });

    public static EventActivityBinder<LeaseSigningState, T> EmailSigningLink<T>(this EventActivityBinder<LeaseSigningState, T> binder)
        where T : class =>
        binder.EmailTenant(TenantEmail.SigningLink, _ => "signing-link", context => SigningValues(context.Saga));

    public static EventActivityBinder<LeaseSigningState, T> EmailSignatureReminder<T>(this EventActivityBinder<LeaseSigningState, T> binder)
        where T : class =>
        binder.EmailTenant(TenantEmail.SignatureReminder, lease => $"reminder-{lease.SignatureRemindersSent}",
            context => SigningValues(context.Saga));

    public static EventActivityBinder<LeaseSigningState, T> PublishOfferLapsed<T>(this EventActivityBinder<LeaseSigningState, T> binder)
        where T : class
    {
        var machine = binder.Machine();
        return binder.Publish(context => new LeaseOfferLapsed
        {
            LeaseId = context.Saga.CorrelationId,
            PropertyId = context.Saga.PropertyId,
            UnitId = context.Saga.UnitId,
            ApplicantId = context.Saga.ApplicantId,
            RemindersSent = context.Saga.SignatureRemindersSent,
            LapsedAt = machine.Now,
        });
    }

    public static EventActivityBinder<LeaseSigningState, TenantSigned> RecordTenantSignature(
        this EventActivityBinder<LeaseSigningState, TenantSigned> binder) =>
        binder.Then(context =>
        {
            context.Saga.EnvelopeId = context.Message.EnvelopeId;
            context.Saga.TenantSignedAt = context.Message.SignedAt;
        });

    public static EventActivityBinder<LeaseSigningState, T> RequestLandlordCountersignature<T>(
        this EventActivityBinder<LeaseSigningState, T> binder)
        where T : class =>
        binder.Send(context => new RequestLandlordCountersignature
        {
            LeaseId = context.Saga.CorrelationId,
            PropertyId = context.Saga.PropertyId,
            UnitId = context.Saga.UnitId,
            DocumentId = context.Saga.DocumentId.GetValueOrDefault(),
            EnvelopeId = context.Saga.EnvelopeId,
        });

    /// <summary>Also notes that the move-in funds are being asked for: from now on a cancellation has a request to withdraw.</summary>
    public static EventActivityBinder<LeaseSigningState, LandlordCountersigned> RecordCountersignature(
        this EventActivityBinder<LeaseSigningState, LandlordCountersigned> binder)
    {
        var machine = binder.Machine();
        return binder.Then(context =>
        {
            context.Saga.CountersignedBy = context.Message.CountersignedBy;
            context.Saga.CountersignedAt = context.Message.CountersignedAt;
            context.Saga.MoveInFundsRequestedAt = machine.Now;
        });
    }

    public static EventActivityBinder<LeaseSigningState, T> RequestMoveInFunds<T>(this EventActivityBinder<LeaseSigningState, T> binder)
        where T : class =>
        binder.Send(context => new RequestMoveInFunds
        {
            LeaseId = context.Saga.CorrelationId,
            ApplicantId = context.Saga.ApplicantId,
            ApplicantName = context.Saga.ApplicantName,
            ApplicantEmail = context.Saga.ApplicantEmail,
            SecurityDeposit = SecurityDeposit(context.Saga),
            FirstMonthRent = MonthlyRent(context.Saga),
            DueOn = context.Saga.LeaseStart,
            IdempotencyKey = MoveInFundsKey(context.Saga.CorrelationId),
        });

    // Billing charges the tenant's payment method on file at once, so there is nothing to pay here; a decline brings
    // the gateway's own page for the charge in its email.
    public static EventActivityBinder<LeaseSigningState, T> EmailLeaseCountersigned<T>(this EventActivityBinder<LeaseSigningState, T> binder)
        where T : class =>
        binder.EmailTenant(TenantEmail.LeaseCountersigned, _ => "countersigned", context => new Dictionary<string, string>
        {
            ["LeaseStart"] = IsoDate(context.Saga.LeaseStart),
            ["AmountDue"] = MoveInAmountDue(context.Saga),
        });

    /// <summary>Also keeps the gateway's page for paying again, which later emails link to.</summary>
    public static EventActivityBinder<LeaseSigningState, MoveInPaymentFailed> RecordPaymentFailure(
        this EventActivityBinder<LeaseSigningState, MoveInPaymentFailed> binder) =>
        binder.Then(context =>
        {
            context.Saga.FailedMoveInPayments++;
            context.Saga.LastMoveInPaymentFailure = context.Message.Reason;
            context.Saga.LastMoveInPaymentFailedAt = context.Message.FailedAt;
            context.Saga.MoveInPaymentUrl = context.Message.PaymentUrl ?? context.Saga.MoveInPaymentUrl;
        });

    /// <summary>
    /// The link is the payment gateway's page for the lease's own charge, an unguessable address Billing passes on. Billing
    /// passes one with every decline of a charge it made, so a failure without one names no charge of ours to pay again.
    /// </summary>
    public static EventActivityBinder<LeaseSigningState, MoveInPaymentFailed> EmailMoveInPaymentFailed(
        this EventActivityBinder<LeaseSigningState, MoveInPaymentFailed> binder) =>
        binder.If(context => context.Saga.MoveInPaymentUrl is not null, x => x
            .EmailTenant(TenantEmail.MoveInPaymentFailed, lease => $"payment-failed-{lease.FailedMoveInPayments}",
                context => new Dictionary<string, string>
                {
                    ["AmountDue"] = MoveInAmountDue(context.Saga),
                    ["Reason"] = context.Message.Reason,
                    ["PaymentUrl"] = context.Saga.MoveInPaymentUrl!,
                }));

    /// <summary>Also notes that the access code is being asked for: from now on a cancellation has a code to revoke.</summary>
    public static EventActivityBinder<LeaseSigningState, MoveInFundsReceived> RecordFunds(
        this EventActivityBinder<LeaseSigningState, MoveInFundsReceived> binder)
    {
        var machine = binder.Machine();
        return binder.Then(context =>
        {
            context.Saga.MoveInPaymentId = context.Message.PaymentId;
            context.Saga.MoveInFundsAmount = context.Message.Amount.Amount;
            context.Saga.MoveInFundsCurrency = context.Message.Amount.Currency;
            context.Saga.MoveInFundsReceivedAt = context.Message.ReceivedAt;
            context.Saga.AccessCodeRequestedAt = machine.Now;
        });
    }

    /// <summary>The deposit and the first month's rent, in their currency, to the cent: the only payment that moves the lease.</summary>
    public static bool IsMoveInAmountDue(this LeaseSigningState lease, Money amount) =>
        lease.SecurityDepositCurrency == lease.MonthlyRentCurrency && amount.Currency == lease.MonthlyRentCurrency
        && amount.Amount == lease.SecurityDepositAmount + lease.MonthlyRentAmount;

    /// <summary>Funds that are not the amount due: kept for staff to reconcile, and the lease goes on waiting for the funds.</summary>
    public static EventActivityBinder<LeaseSigningState, MoveInFundsReceived> PublishFundsDiscrepancy(
        this EventActivityBinder<LeaseSigningState, MoveInFundsReceived> binder)
    {
        var machine = binder.Machine();
        return binder.Publish(context => new ProviderEventDiscrepancyRecorded
        {
            Provider = DiscrepancyProviders.Payments,
            EventId = context.Message.ProviderEventId ?? $"{context.Message.PaymentId}-{context.Message.ReceivedAt.ToUnixTimeSeconds()}",
            EventType = "payment_intent.succeeded",
            Kind = DiscrepancyKinds.Mismatch,
            Reason = $"amount {context.Message.Amount.ToDisplayString()}, due {MoveInAmountDue(context.Saga)}",
            LeaseId = context.Saga.CorrelationId,
            ProviderReference = context.Message.PaymentId,
            Amount = context.Message.Amount,
            OccurredAt = context.Message.ReceivedAt,
            RecordedAt = machine.Now,
        });
    }

    public static EventActivityBinder<LeaseSigningState, T> IssueAccessCode<T>(this EventActivityBinder<LeaseSigningState, T> binder)
        where T : class =>
        binder.Send(context => new IssueAccessCode
        {
            LeaseId = context.Saga.CorrelationId,
            PropertyId = context.Saga.PropertyId,
            UnitId = context.Saga.UnitId,
            TenantId = context.Saga.ApplicantId,
            ValidFrom = context.Saga.LeaseStart,
            ValidThrough = context.Saga.LeaseEnd,
        });

    public static EventActivityBinder<LeaseSigningState, MoveInFundsReceived> EmailMoveInFundsReceived(
        this EventActivityBinder<LeaseSigningState, MoveInFundsReceived> binder) =>
        binder.EmailTenant(TenantEmail.MoveInFundsReceived, _ => "funds-received", context => new Dictionary<string, string>
        {
            ["Amount"] = context.Message.Amount.ToDisplayString(),
            ["LeaseStart"] = IsoDate(context.Saga.LeaseStart),
        });

    public static EventActivityBinder<LeaseSigningState, LockCommandUnacknowledged> TellStaffTheCodeIsUnconfirmed(
        this EventActivityBinder<LeaseSigningState, LockCommandUnacknowledged> binder)
    {
        var machine = binder.Machine();
        return binder
            .Then(context => context.Saga.UnconfirmedAccessCodeCommandId = context.Message.CommandId)
            .If(_ => machine.Options.StaffEmails.Length > 0, x => x.Send(context => new SendOperatorAlert
            {
                // The command's id: a redelivered escalation is the same email.
                AlertId = context.Message.CommandId,
                Kind = "access-code-unconfirmed",
                Recipients = machine.Options.StaffEmails,
                Subject = $"Move-in code not confirmed by the lock for {context.Saga.ApplicantName}",
                Text = $"The lock of unit {context.Saga.UnitId} did not confirm the move-in access code of lease {context.Saga.CorrelationId} "
                       + $"after {context.Message.Attempts} attempts. The lease stays waiting for the code and the tenant has not been told "
                       + "to move in; check the lock, or cancel the lease.",
                RaisedAt = machine.Now,
            }));
    }

    public static EventActivityBinder<LeaseSigningState, AccessCodeIssued> RecordAccessCode(
        this EventActivityBinder<LeaseSigningState, AccessCodeIssued> binder)
    {
        var machine = binder.Machine();
        return binder.Then(context =>
        {
            context.Saga.AccessCodeId = context.Message.AccessCodeId;
            context.Saga.AccessCodeIssuedAt = context.Message.IssuedAt;
            context.Saga.ActivatedAt = machine.Now;
        });
    }

    public static EventActivityBinder<LeaseSigningState, T> PublishLeaseActivated<T>(this EventActivityBinder<LeaseSigningState, T> binder)
        where T : class =>
        binder.Publish(context => new LeaseActivated
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
            TenantName = context.Saga.ApplicantName,
            TenantEmail = context.Saga.ApplicantEmail,
            RecurringCharges = context.Saga.RecurringCharges,
        });

    // The code itself reaches the tenant from Devices only; the email says when and where, never what.
    public static EventActivityBinder<LeaseSigningState, T> EmailWelcome<T>(this EventActivityBinder<LeaseSigningState, T> binder)
        where T : class =>
        binder.EmailTenant(TenantEmail.Welcome, _ => "welcome", context => new Dictionary<string, string>
        {
            ["LeaseStart"] = IsoDate(context.Saga.LeaseStart),
            ["AccessInstructions"] =
                $"Your access code will be active from {IsoDate(context.Saga.LeaseStart)}; collect it at the leasing office.",
        });

    /// <summary>
    /// Undoes what the lease's record says has been done, whatever stage it is in: signatures voided, the funds
    /// request withdrawn or the funds refunded, the access code revoked, and the unit's hold released.
    /// </summary>
    public static EventActivityBinder<LeaseSigningState, T> UndoWhatWasDone<T>(this EventActivityBinder<LeaseSigningState, T> binder,
        Func<BehaviorContext<LeaseSigningState, T>, string> reason)
        where T : class =>
        binder
            .If(context => context.Saga.SentForSignatureAt.HasValue, x => x
                .Send(context => new VoidLeaseSignatures
                {
                    LeaseId = context.Saga.CorrelationId,
                    EnvelopeId = context.Saga.EnvelopeId,
                    Reason = reason(context),
                }))
            .If(context => context.Saga.MoveInFundsRequestedAt.HasValue && !context.Saga.MoveInFundsReceivedAt.HasValue, x => x
                .Send(context => new CancelMoveInFundsRequest
                {
                    LeaseId = context.Saga.CorrelationId,
                    IdempotencyKey = MoveInFundsKey(context.Saga.CorrelationId),
                    Reason = reason(context),
                }))
            .If(context => context.Saga.MoveInFundsReceivedAt.HasValue, x => x
                .Send(context => RefundMoveInFunds(context.Saga, reason(context))))
            .If(context => context.Saga.AccessCodeRequestedAt.HasValue, x => x
                .Send(context => new RevokeAccessCode
                {
                    LeaseId = context.Saga.CorrelationId,
                    PropertyId = context.Saga.PropertyId,
                    UnitId = context.Saga.UnitId,
                    AccessCodeId = context.Saga.AccessCodeId,
                    Reason = reason(context),
                }))
            .Send(context => new ReleaseUnitHold
            {
                LeaseId = context.Saga.CorrelationId,
                PropertyId = context.Saga.PropertyId,
                UnitId = context.Saga.UnitId,
                Reason = reason(context),
            });

    public static EventActivityBinder<LeaseSigningState, T> UndoWhatWasDone<T>(this EventActivityBinder<LeaseSigningState, T> binder,
        string reason)
        where T : class =>
        binder.UndoWhatWasDone(_ => reason);

    public static EventActivityBinder<LeaseSigningState, CancelLease> PublishLeaseCancelled(
        this EventActivityBinder<LeaseSigningState, CancelLease> binder)
    {
        var machine = binder.Machine();
        return binder.Publish(context => new LeaseCancelled
        {
            LeaseId = context.Saga.CorrelationId,
            PropertyId = context.Saga.PropertyId,
            UnitId = context.Saga.UnitId,
            ApplicantId = context.Saga.ApplicantId,
            Reason = context.Message.Reason,
            CancelledBy = context.Message.CancelledBy,
            CancelledDuring = context.Saga.CurrentState,
            CancelledAt = machine.Now,
        });
    }

    public static EventActivityBinder<LeaseSigningState, CancelLease> EmailLeaseCancelled(
        this EventActivityBinder<LeaseSigningState, CancelLease> binder) =>
        binder.EmailTenant(TenantEmail.LeaseCancelled, _ => "cancelled", context => new Dictionary<string, string>
        {
            ["Reason"] = context.Message.Reason,
        });

    /// <summary>
    /// Counts one more step of the lease and publishes it. Placed after the step's transition, so the event names the
    /// stage the lease is in now; it commits with the saga's new state, so the count and the events always agree.
    /// <paramref name="outcome"/> names the stage a lease ends in, where the saga has no state for it.
    /// </summary>
    public static EventActivityBinder<LeaseSigningState, T> Progressed<T>(this EventActivityBinder<LeaseSigningState, T> binder,
        string step, Func<BehaviorContext<LeaseSigningState, T>, string?>? detail = null, string? outcome = null)
        where T : class
    {
        var machine = binder.Machine();
        return binder
            .Then(context => context.Saga.ProgressSequence++)
            .Publish(context => new LeaseSigningProgressed
            {
                LeaseId = context.Saga.CorrelationId,
                PropertyId = context.Saga.PropertyId,
                UnitId = context.Saga.UnitId,
                State = outcome ?? context.Saga.CurrentState,
                Step = step,
                Sequence = context.Saga.ProgressSequence,
                OccurredAt = machine.Now,
                Detail = detail?.Invoke(context),
            });
    }

    public static string OfferExpiresOn(this LeaseSigningState lease) => IsoDate(lease.OfferExpiresAt.GetValueOrDefault());

    public static string ToDisplayString(this Money money) => Format(money.Amount, money.Currency);

    // Every binder of the lease state belongs to the one machine for it, which holds the options and the clock.
    static LeaseSigningStateMachine Machine<T>(this EventActivityBinder<LeaseSigningState, T> binder)
        where T : class =>
        (LeaseSigningStateMachine)binder.StateMachine;

    static EventActivityBinder<LeaseSigningState, T> EmailTenant<T>(this EventActivityBinder<LeaseSigningState, T> binder,
        TenantEmail email, Func<LeaseSigningState, string> fact,
        Func<BehaviorContext<LeaseSigningState, T>, IReadOnlyDictionary<string, string>> values)
        where T : class =>
        binder.Send(context => new SendTenantEmail
        {
            LeaseId = context.Saga.CorrelationId,
            Email = email,
            RecipientEmail = context.Saga.ApplicantEmail,
            RecipientName = context.Saga.ApplicantName,
            DeduplicationKey = $"lease-{context.Saga.CorrelationId:N}-{fact(context.Saga)}",
            Values = values(context),
        });

    static Dictionary<string, string> SigningValues(LeaseSigningState lease) => new()
    {
        ["SigningUrl"] = lease.SigningUrl!,
        ["OfferExpiresOn"] = lease.OfferExpiresOn(),
    };

    static Money MonthlyRent(LeaseSigningState lease) => new(lease.MonthlyRentAmount, lease.MonthlyRentCurrency);

    static Money SecurityDeposit(LeaseSigningState lease) => new(lease.SecurityDepositAmount, lease.SecurityDepositCurrency);

    // Derived from the lease id, so every retry of the request, and its cancellation, name the same payment.
    static string MoveInFundsKey(Guid leaseId) => $"lease-{leaseId:N}-move-in";

    static RefundMoveInFunds RefundMoveInFunds(LeaseSigningState lease, string reason)
    {
        if (lease.MoveInPaymentId is not { } paymentId || lease.MoveInFundsAmount is not { } amount
            || lease.MoveInFundsCurrency is not { } currency)
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

    // The deposit and the first month's rent, as one total when they are in the same currency.
    static string MoveInAmountDue(LeaseSigningState lease) =>
        lease.SecurityDepositCurrency == lease.MonthlyRentCurrency
            ? Format(lease.SecurityDepositAmount + lease.MonthlyRentAmount, lease.MonthlyRentCurrency)
            : $"{SecurityDeposit(lease).ToDisplayString()} + {MonthlyRent(lease).ToDisplayString()}";

    static string IsoDate(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static string IsoDate(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static string Format(decimal amount, string currency) => $"{amount.ToString("N2", CultureInfo.InvariantCulture)} {currency}";
}
