using Dapper;

namespace Orchestration.Endpoints.Billing;

/// <summary>
/// A move-in funds request as Billing knows it: charged (the intent and its status when created), cancelled, or both.
/// A cancellation that arrives before the request leaves a row without an intent, so the late request charges nothing.
/// Once the cancellation is carried out at the gateway, <see cref="CancelOutcome"/> says how (<see cref="CancelOutcomes"/>).
/// <see cref="ChargeStartedAt"/> is set once a charge is on its way to the gateway. <see cref="SecurityDeposit"/> and
/// <see cref="FirstMonthRent"/> (minor units, in the request's currency) and <see cref="DueOn"/> are the request's lines.
/// </summary>
public sealed record PaymentRecord(
    string IdempotencyKey, Guid LeaseId, string? PaymentIntentId, long? Amount, string? Currency, string? IntentStatus, string? FailureCode,
    DateTimeOffset? CancelledAt, string? CancelOutcome = null, DateTimeOffset? IntentCanceledAt = null, string? PaymentPageUrl = null,
    DateTimeOffset? ChargeStartedAt = null, string? CancelReason = null, long? SecurityDeposit = null, long? FirstMonthRent = null,
    string? DueOn = null)
{
    /// <summary>What was asked for, as the gateway's events report an amount: two-decimal minor units, upper-case currency.</summary>
    public Money? Requested => Amount is { } amount && Currency is { } currency ? new Money(amount / 100m, currency.ToUpperInvariant()) : null;
}

/// <summary>The lines of a move-in funds request as stored: minor units, and the due day as "YYYY-MM-DD".</summary>
public sealed record MoveInLines(long SecurityDeposit, long FirstMonthRent, string DueOn);

/// <summary>How a cancelled move-in funds request ended at the gateway.</summary>
public static class CancelOutcomes
{
    /// <summary>No intent existed when the cancellation was carried out: nothing was charged.</summary>
    public const string NotCharged = "not_charged";

    /// <summary>The unpaid intent was cancelled at the gateway: it can no longer be paid.</summary>
    public const string IntentCanceled = "intent_canceled";

    /// <summary>The intent had been paid: the payment was refunded in full.</summary>
    public const string Refunded = "refunded";
}

public sealed record RefundRecord(string IdempotencyKey, Guid LeaseId, string PaymentIntentId, string RefundId, long Amount, string Status);

/// <summary>
/// The SQL of Billing, in one place. Every method runs on the handler's <see cref="SqlSession"/>: inside the transaction
/// that also marks the incoming message handled and stores what it publishes, or, for a consumer that calls the gateway,
/// in one of its short steps (<see cref="SqlSession.StepAsync{T}"/>) or deferred to that final transaction.
/// </summary>
public sealed class BillingStore(SqlStorage storage)
{
    readonly string _payments = storage.Table("payments");
    readonly string _refunds = storage.Table("refunds");

    const string PaymentColumns =
        "idempotency_key, lease_id, payment_intent_id, amount, currency, intent_status, failure_code, cancelled_at, cancel_outcome, intent_canceled_at, " +
        "payment_page_url, charge_started_at, cancel_reason, security_deposit, first_month_rent, due_on";

    public Task<PaymentRecord?> FindPaymentAsync(SqlSession session, string idempotencyKey, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<PaymentRecord?>(session.Command(
            $"SELECT {PaymentColumns} FROM {_payments} WHERE idempotency_key = @idempotencyKey", new { idempotencyKey }, cancellationToken));

    /// <summary>
    /// The request's row, created when there is none, and marked charging unless it was charged already or cancelled
    /// before any charge started. Taken in a step committed before the gateway is called: a cancellation handled while
    /// the gateway answers then finds the charge under way and leaves withdrawing it to the charge
    /// (<see cref="RecordIntentAsync"/> returns the cancellation once the intent is recorded).
    /// </summary>
    public Task<PaymentRecord> ClaimChargeAsync(SqlSession session, string idempotencyKey, Guid leaseId, MoveInLines lines, long now,
        CancellationToken cancellationToken) =>
        session.Connection.QuerySingleAsync<PaymentRecord>(session.Command($"""
            INSERT INTO {_payments} (idempotency_key, lease_id, charge_started_at, security_deposit, first_month_rent, due_on)
            VALUES (@idempotencyKey, @leaseId, @now, @SecurityDeposit, @FirstMonthRent, @DueOn)
            ON CONFLICT (idempotency_key) DO UPDATE SET charge_started_at = CASE
                WHEN {_payments}.payment_intent_id IS NULL AND ({_payments}.cancelled_at IS NULL OR {_payments}.charge_started_at IS NOT NULL)
                THEN COALESCE({_payments}.charge_started_at, @now) ELSE {_payments}.charge_started_at END,
                security_deposit = COALESCE({_payments}.security_deposit, @SecurityDeposit),
                first_month_rent = COALESCE({_payments}.first_month_rent, @FirstMonthRent),
                due_on = COALESCE({_payments}.due_on, @DueOn)
            RETURNING {PaymentColumns}
            """, new { idempotencyKey, leaseId, now, lines.SecurityDeposit, lines.FirstMonthRent, lines.DueOn }, cancellationToken));

    public Task<PaymentRecord?> FindPaymentByIntentAsync(SqlSession session, string paymentIntentId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<PaymentRecord?>(session.Command(
            $"SELECT {PaymentColumns} FROM {_payments} WHERE payment_intent_id = @paymentIntentId", new { paymentIntentId }, cancellationToken));

    /// <summary>Whether Billing was ever asked for move-in funds for the lease.</summary>
    public async Task<bool> HasRequestForLeaseAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteScalarAsync<long>(session.Command(
            $"SELECT COUNT(*) FROM {_payments} WHERE lease_id = @leaseId", new { leaseId }, cancellationToken)) > 0;

    /// <summary>
    /// The request's row once no other transaction is still creating it, or null when there is none: inserting the same
    /// key waits for such a transaction to end (PostgreSQL waits on the conflicting insert, SQLite on its one writer). A
    /// row this probe inserted itself is removed again in the same transaction, so it leaves nothing behind. A request
    /// being charged commits its row before it calls the gateway, and records the intent only once the gateway has
    /// answered: an event about that charge arriving in between finds the row without its intent.
    /// </summary>
    public async Task<PaymentRecord?> AwaitRequestAsync(SqlSession session, string idempotencyKey, Guid leaseId, CancellationToken cancellationToken)
    {
        var inserted = await session.Connection.ExecuteScalarAsync<string?>(session.Command($"""
            INSERT INTO {_payments} (idempotency_key, lease_id) VALUES (@idempotencyKey, @leaseId)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING idempotency_key
            """, new { idempotencyKey, leaseId }, cancellationToken));
        if (inserted is null)
            return await FindPaymentAsync(session, idempotencyKey, cancellationToken);

        await session.Connection.ExecuteAsync(session.Command(
            $"DELETE FROM {_payments} WHERE idempotency_key = @idempotencyKey", new { idempotencyKey }, cancellationToken));
        return null;
    }

    /// <summary>
    /// Records the intent the gateway created for the request and returns the reason the request was cancelled, if it
    /// was: a cancellation handled while the charge was under way left its withdrawal to the charge.
    /// </summary>
    public Task<string?> RecordIntentAsync(SqlSession session, string idempotencyKey, Guid leaseId, Payments.PaymentIntent intent,
        string? paymentPageUrl, long now, CancellationToken cancellationToken) =>
        session.Connection.ExecuteScalarAsync<string?>(session.Command($"""
            INSERT INTO {_payments} (idempotency_key, lease_id, payment_intent_id, amount, currency, intent_status, failure_code, requested_at,
                payment_page_url)
            VALUES (@idempotencyKey, @leaseId, @Id, @Amount, @Currency, @Status, @FailureCode, @now, @paymentPageUrl)
            ON CONFLICT (idempotency_key) DO UPDATE SET payment_intent_id = @Id, amount = @Amount, currency = @Currency,
                intent_status = @Status, failure_code = @FailureCode, requested_at = @now, payment_page_url = @paymentPageUrl
            RETURNING cancel_reason
            """, new { idempotencyKey, leaseId, intent.Id, intent.Amount, intent.Currency, intent.Status, intent.FailureCode, now, paymentPageUrl },
            cancellationToken));

    /// <summary>Marks the request cancelled (the first cancellation's time and reason stay), creating the row when no request has arrived yet.</summary>
    public async Task MarkCancelledAsync(SqlSession session, string idempotencyKey, Guid leaseId, string reason, long now, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_payments} (idempotency_key, lease_id, cancelled_at, cancel_reason) VALUES (@idempotencyKey, @leaseId, @now, @reason)
            ON CONFLICT (idempotency_key) DO UPDATE SET cancelled_at = @now, cancel_reason = @reason
            WHERE {_payments}.cancelled_at IS NULL
            """, new { idempotencyKey, leaseId, reason, now }, cancellationToken));

    /// <summary>
    /// Records how the cancellation ended: the intent's status as the gateway last reported it (none when there was no
    /// intent), the outcome, and when the gateway cancelled the intent.
    /// </summary>
    public void RecordCancelOutcome(SqlSession session, string idempotencyKey, string? intentStatus, string outcome, DateTimeOffset? intentCanceledAt) =>
        session.Defer($"""
            UPDATE {_payments} SET intent_status = COALESCE(@status, intent_status), cancel_outcome = @outcome, intent_canceled_at = @canceled_at
            WHERE idempotency_key = @key
            """)
            .With("@key", idempotencyKey).With("@status", intentStatus).With("@outcome", outcome)
            .With("@canceled_at", intentCanceledAt?.ToUnixTimeMilliseconds());

    public async Task<RefundRecord?> FindRefundAsync(SqlSession session, string idempotencyKey, CancellationToken cancellationToken) =>
        (await session.Connection.QuerySingleOrDefaultAsync<RefundRow>(session.Command($"""
            SELECT idempotency_key, lease_id, payment_intent_id, refund_id, amount, refund_status FROM {_refunds} WHERE idempotency_key = @idempotencyKey
            """, new { idempotencyKey }, cancellationToken)))?.Record;

    /// <summary>Records the refund the gateway made, with the commit that marks the command handled.</summary>
    public void RecordRefund(SqlSession session, string idempotencyKey, Guid leaseId, Payments.PaymentRefund refund, string reason, long now) =>
        session.Defer($"""
            INSERT INTO {_refunds} (idempotency_key, lease_id, payment_intent_id, refund_id, amount, refund_status, reason, refunded_at)
            VALUES (@key, @lease_id, @intent_id, @refund_id, @amount, @status, @reason, @now)
            ON CONFLICT (idempotency_key) DO NOTHING
            """)
            .With("@key", idempotencyKey).With("@lease_id", leaseId).With("@intent_id", refund.PaymentIntentId).With("@refund_id", refund.Id)
            .With("@amount", refund.Amount).With("@status", refund.Status).With("@reason", reason).With("@now", now);

    /// <summary>A row of <c>refunds</c>, whose status column is named for the table.</summary>
    sealed record RefundRow(string IdempotencyKey, Guid LeaseId, string PaymentIntentId, string RefundId, long Amount, string RefundStatus)
    {
        public RefundRecord Record => new(IdempotencyKey, LeaseId, PaymentIntentId, RefundId, Amount, RefundStatus);
    }
}
