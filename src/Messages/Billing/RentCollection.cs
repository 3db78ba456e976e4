namespace Orchestration.Messages.Billing;

/// <summary>
/// A rent run posted a lease's charge for a period (its ledger entry is written with this event). Starts the
/// <c>RentCollectionSaga</c> of the charge; <see cref="ChargeId"/> derives from lease and period
/// (<see cref="RentIds.Charge"/>), so a repeated run can never start a second one.
/// </summary>
public sealed record RentChargePosted
{
    public required Guid ChargeId { get; init; }
    public required Guid LeaseId { get; init; }
    public required Guid RentRunId { get; init; }

    /// <summary>"YYYY-MM".</summary>
    public required string Period { get; init; }

    public required Money Amount { get; init; }
    public required DateOnly DueOn { get; init; }

    /// <summary>The grace period of the late-fee policy in force when the charge was posted, in days after the due day.</summary>
    public required int GraceDays { get; init; }

    /// <summary>Whether the tenant pays by autopay; otherwise the tenant is sent an invoice with a payment link.</summary>
    public required bool Autopay { get; init; }

    public required DateTimeOffset PostedAt { get; init; }
}

/// <summary>Asks Billing to collect a charge through the payment gateway (autopay). The gateway sees <see cref="IdempotencyKey"/>.</summary>
public sealed record RequestRentPayment
{
    public required Guid ChargeId { get; init; }
    public required Guid LeaseId { get; init; }
    public required Money Amount { get; init; }

    /// <summary>The first attempt's key is the charge id itself; each retry has its own (charge id and attempt).</summary>
    public required string IdempotencyKey { get; init; }

    public required int Attempt { get; init; }
}

/// <summary>Asks Billing to write one entry into the lease's ledger; <see cref="EntryId"/> makes a repeated command write nothing.</summary>
public sealed record RecordLedgerEntry
{
    public required Guid EntryId { get; init; }
    public required Guid LeaseId { get; init; }
    public required Guid ChargeId { get; init; }
    public required LedgerEntryKind Kind { get; init; }

    /// <summary>Positive when the tenant owes more, negative when paid or credited.</summary>
    public required Money Amount { get; init; }

    /// <summary>The entry a reversal or a dispute takes back.</summary>
    public Guid? Reverses { get; init; }

    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>Asks Billing to bring the lease's late fees up to date through <see cref="Through"/> (the late-fee engine).</summary>
public sealed record AssessLateFees
{
    public required Guid LeaseId { get; init; }
    public required Guid ChargeId { get; init; }
    public required DateOnly Through { get; init; }
}

/// <summary>Asks Billing to stop autopay for the lease: only certified funds from now on.</summary>
public sealed record TurnOffAutopay
{
    public required Guid LeaseId { get; init; }
    public required string Reason { get; init; }
}

/// <summary>What a rent notice tells the tenant.</summary>
public enum RentNotice
{
    /// <summary>The charge and a link to pay it (tenants without autopay, or after autopay gave up).</summary>
    Invoice,

    /// <summary>Autopay failed; when another attempt is scheduled, the notice says when.</summary>
    PaymentFailed,

    /// <summary>A payment was received.</summary>
    Receipt,

    /// <summary>The grace period ended with the charge unpaid; late fees apply.</summary>
    LateFee,

    /// <summary>The bank returned a payment: it is reversed and the returned-payment fee charged.</summary>
    PaymentReturned,

    /// <summary>After repeated returns, autopay is off: certified funds only.</summary>
    AutopayTurnedOff,
}

/// <summary>
/// Asks Billing to tell the tenant about their charge. <see cref="DeduplicationKey"/> names the fact, so a notice is
/// sent once however often the command arrives.
/// </summary>
public sealed record SendRentNotice
{
    public required Guid LeaseId { get; init; }
    public required Guid ChargeId { get; init; }
    public required RentNotice Notice { get; init; }
    public required Money Amount { get; init; }
    public required string DeduplicationKey { get; init; }

    /// <summary>For a failed autopay: when it is tried again (none when it will not be).</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    public string? Reason { get; init; }
}

/// <summary>The gateway took a payment for the charge (autopay, the invoice's link, or a late bank settlement).</summary>
public sealed record RentPaymentSucceeded
{
    public required Guid ChargeId { get; init; }
    public required string PaymentId { get; init; }
    public required Money Amount { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>A bank debit for the charge is on its way; it settles (or fails) days later.</summary>
public sealed record RentPaymentProcessing
{
    public required Guid ChargeId { get; init; }
    public required string PaymentId { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>An attempt to collect the charge failed; nothing was taken.</summary>
public sealed record RentPaymentFailed
{
    public required Guid ChargeId { get; init; }
    public required string PaymentId { get; init; }
    public required string Reason { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>
/// The bank returned a payment that had succeeded (NSF). <see cref="ReturnsOnLease"/> counts the lease's returned
/// payments including this one, so the saga can turn autopay off after too many.
/// </summary>
public sealed record RentPaymentReturned
{
    public required Guid ChargeId { get; init; }
    public required string PaymentId { get; init; }
    public required Money Amount { get; init; }
    public required string Reason { get; init; }
    public required int ReturnsOnLease { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>The tenant's card issuer opened a dispute: the payment's funds are withdrawn until it closes.</summary>
public sealed record RentPaymentDisputed
{
    public required Guid ChargeId { get; init; }
    public required string PaymentId { get; init; }
    public required Money Amount { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>A dispute closed: won gives the withdrawn funds back, lost keeps them withdrawn.</summary>
public sealed record RentDisputeClosed
{
    public required Guid ChargeId { get; init; }
    public required string PaymentId { get; init; }
    public required Money Amount { get; init; }
    public required bool Won { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>Money paid for the charge was refunded to the tenant (an overpayment given back).</summary>
public sealed record RentPaymentRefunded
{
    public required Guid ChargeId { get; init; }
    public required string PaymentId { get; init; }
    public required string RefundId { get; init; }
    public required Money Amount { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}

/// <summary>The charge's grace period is over (timeout): if it is not paid in full, late fees start.</summary>
public sealed record RentGracePeriodEnded
{
    public required Guid ChargeId { get; init; }
}

/// <summary>The next autopay attempt for the charge is due (timeout).</summary>
public sealed record RentPaymentRetryDue
{
    public required Guid ChargeId { get; init; }
}

/// <summary>Another day has passed with the charge late (timeout): late fees that accrue are brought up to date.</summary>
public sealed record RentLateFeesAccrue
{
    public required Guid ChargeId { get; init; }
}

/// <summary>The charge's collection moved: the rent run's progress and the lease's timeline follow it.</summary>
public sealed record RentCollectionProgressed
{
    public required Guid ChargeId { get; init; }
    public required Guid LeaseId { get; init; }
    public required Guid RentRunId { get; init; }

    /// <summary>The saga's state: AwaitingPayment, Processing, PartiallyPaid, Late, Paid.</summary>
    public required string State { get; init; }

    public required Money Outstanding { get; init; }
    public required DateTimeOffset OccurredAt { get; init; }
}
