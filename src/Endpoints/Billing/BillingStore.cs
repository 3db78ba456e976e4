using System.Data.Common;

namespace Orchestration.Endpoints.Billing;

/// <summary>
/// A move-in funds request as Billing knows it: charged (the intent and its status when created), cancelled, or both.
/// A cancellation that arrives before the request leaves a row without an intent, so the late request charges nothing.
/// Once the cancellation is carried out at the gateway, <see cref="CancelOutcome"/> says how (<see cref="CancelOutcomes"/>).
/// </summary>
public sealed record PaymentRecord(
    string IdempotencyKey, Guid LeaseId, string? PaymentIntentId, long? Amount, string? Currency, string? IntentStatus, string? FailureCode,
    DateTimeOffset? CancelledAt, string? CancelOutcome = null, DateTimeOffset? IntentCanceledAt = null, string? PaymentPageUrl = null)
{
    /// <summary>What was asked for, as the gateway's events report an amount: two-decimal minor units, upper-case currency.</summary>
    public Money? Requested => Amount is { } amount && Currency is { } currency ? new Money(amount / 100m, currency.ToUpperInvariant()) : null;
}

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
/// The SQL of Billing, in one place. Every method runs on the handler's <see cref="SqlSession"/>, inside the
/// transaction that also marks the incoming message handled and stores what it publishes.
/// </summary>
public sealed class BillingStore(SqlStorage storage)
{
    readonly string _payments = storage.Table("payments");
    readonly string _refunds = storage.Table("refunds");

    const string PaymentColumns =
        "idempotency_key, lease_id, payment_intent_id, amount, currency, intent_status, failure_code, cancelled_at, cancel_outcome, intent_canceled_at, " +
        "payment_page_url";

    public async Task<PaymentRecord?> FindPaymentAsync(SqlSession session, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT {PaymentColumns} FROM {_payments} WHERE idempotency_key = @key").With("@key", idempotencyKey);
        return await ReadPaymentAsync(command, cancellationToken);
    }

    /// <summary>
    /// The request's row, created when there is none, and locked until the transaction ends: a cancellation of the
    /// same request waits until this one has committed, and then sees its charge, rather than passing it unseen.
    /// </summary>
    public async Task<PaymentRecord> ClaimPaymentAsync(SqlSession session, string idempotencyKey, Guid leaseId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_payments} (idempotency_key, lease_id) VALUES (@key, @lease_id)
            ON CONFLICT (idempotency_key) DO UPDATE SET lease_id = {_payments}.lease_id
            RETURNING {PaymentColumns}
            """).With("@key", idempotencyKey).With("@lease_id", leaseId);
        return await ReadPaymentAsync(command, cancellationToken) ?? throw new InvalidOperationException($"No payment row returned for {idempotencyKey}.");
    }

    static async Task<PaymentRecord?> ReadPaymentAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new PaymentRecord(reader.GetString(0), reader.GetGuid(1), reader.GetNullableString(2), reader.GetNullableInt64(3), reader.GetNullableString(4),
                reader.GetNullableString(5), reader.GetNullableString(6), Time(reader.GetNullableInt64(7)), reader.GetNullableString(8),
                Time(reader.GetNullableInt64(9)), reader.GetNullableString(10))
            : null;
    }

    public async Task<PaymentRecord?> FindPaymentByIntentAsync(SqlSession session, string paymentIntentId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT {PaymentColumns} FROM {_payments} WHERE payment_intent_id = @intent_id")
            .With("@intent_id", paymentIntentId);
        return await ReadPaymentAsync(command, cancellationToken);
    }

    /// <summary>Whether Billing was ever asked for move-in funds for the lease.</summary>
    public async Task<bool> HasRequestForLeaseAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT COUNT(*) FROM {_payments} WHERE lease_id = @lease_id").With("@lease_id", leaseId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }

    /// <summary>
    /// The request's row once no other transaction is still creating it, or null when there is none. A request being
    /// charged holds its new row uncommitted while it calls the gateway, and the gateway's event about that charge can
    /// arrive meanwhile: inserting the same key waits for that transaction to end (PostgreSQL waits on the conflicting
    /// insert, SQLite on its one writer). A row this probe inserted itself is removed again in the same transaction, so
    /// it leaves nothing behind.
    /// </summary>
    public async Task<PaymentRecord?> AwaitRequestAsync(SqlSession session, string idempotencyKey, Guid leaseId, CancellationToken cancellationToken)
    {
        await using (var probe = session.CreateCommand($"""
            INSERT INTO {_payments} (idempotency_key, lease_id) VALUES (@key, @lease_id)
            ON CONFLICT (idempotency_key) DO NOTHING
            RETURNING idempotency_key
            """).With("@key", idempotencyKey).With("@lease_id", leaseId))
        {
            if (await probe.ExecuteScalarAsync(cancellationToken) is not null)
            {
                await using var remove = session.CreateCommand($"DELETE FROM {_payments} WHERE idempotency_key = @key").With("@key", idempotencyKey);
                await remove.ExecuteNonQueryAsync(cancellationToken);
                return null;
            }
        }

        return await FindPaymentAsync(session, idempotencyKey, cancellationToken);
    }

    public async Task RecordIntentAsync(SqlSession session, string idempotencyKey, Guid leaseId, Payments.PaymentIntent intent, string? paymentPageUrl,
        long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_payments} (idempotency_key, lease_id, payment_intent_id, amount, currency, intent_status, failure_code, requested_at,
                payment_page_url)
            VALUES (@key, @lease_id, @intent_id, @amount, @currency, @status, @failure_code, @now, @page)
            ON CONFLICT (idempotency_key) DO UPDATE SET payment_intent_id = @intent_id, amount = @amount, currency = @currency,
                intent_status = @status, failure_code = @failure_code, requested_at = @now, payment_page_url = @page
            """)
            .With("@key", idempotencyKey).With("@lease_id", leaseId).With("@intent_id", intent.Id).With("@amount", intent.Amount)
            .With("@currency", intent.Currency).With("@status", intent.Status).With("@failure_code", intent.FailureCode).With("@now", now)
            .With("@page", paymentPageUrl);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks the request cancelled (the first cancellation's time and reason stay), creating the row when no request has arrived yet.</summary>
    public async Task MarkCancelledAsync(SqlSession session, string idempotencyKey, Guid leaseId, string reason, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_payments} (idempotency_key, lease_id, cancelled_at, cancel_reason) VALUES (@key, @lease_id, @now, @reason)
            ON CONFLICT (idempotency_key) DO UPDATE SET cancelled_at = @now, cancel_reason = @reason
            WHERE {_payments}.cancelled_at IS NULL
            """)
            .With("@key", idempotencyKey).With("@lease_id", leaseId).With("@reason", reason).With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Records how the cancellation ended: the intent's status as the gateway last reported it (none when there was no
    /// intent), the outcome, and when the gateway cancelled the intent.
    /// </summary>
    public async Task RecordCancelOutcomeAsync(SqlSession session, string idempotencyKey, string? intentStatus, string outcome,
        DateTimeOffset? intentCanceledAt, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            UPDATE {_payments} SET intent_status = COALESCE(@status, intent_status), cancel_outcome = @outcome, intent_canceled_at = @canceled_at
            WHERE idempotency_key = @key
            """)
            .With("@key", idempotencyKey).With("@status", intentStatus).With("@outcome", outcome)
            .With("@canceled_at", intentCanceledAt?.ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<RefundRecord?> FindRefundAsync(SqlSession session, string idempotencyKey, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT idempotency_key, lease_id, payment_intent_id, refund_id, amount, refund_status FROM {_refunds} WHERE idempotency_key = @key
            """).With("@key", idempotencyKey);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new RefundRecord(reader.GetString(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetString(5))
            : null;
    }

    public async Task RecordRefundAsync(SqlSession session, string idempotencyKey, Guid leaseId, Payments.PaymentRefund refund, string reason, long now,
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_refunds} (idempotency_key, lease_id, payment_intent_id, refund_id, amount, refund_status, reason, refunded_at)
            VALUES (@key, @lease_id, @intent_id, @refund_id, @amount, @status, @reason, @now)
            ON CONFLICT (idempotency_key) DO NOTHING
            """)
            .With("@key", idempotencyKey).With("@lease_id", leaseId).With("@intent_id", refund.PaymentIntentId).With("@refund_id", refund.Id)
            .With("@amount", refund.Amount).With("@status", refund.Status).With("@reason", reason).With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static DateTimeOffset? Time(long? unixMilliseconds) => unixMilliseconds is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}
