using System.Globalization;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Refunds;

/// <summary>A received rent payment that can still give money back: what it received less what was refunded of it.</summary>
public sealed record RefundablePayment(string IntentId, Guid ChargeId, long Refundable);

/// <summary>
/// The SQL of staff refunds of a lease's credit. A staff refund is a row of <c>refunds</c> whose idempotency key starts
/// with <see cref="KeyPrefix"/>; the gateway's <c>charge.refunded</c> reports it together with any other refund of the
/// payment, so the rent payments subtract these rows before they count a refund of the charge.
/// </summary>
public sealed class LeaseCreditRefunds(SqlStorage storage)
{
    public const string KeyPrefix = "lease-credit-refund-";

    readonly string _payments = storage.Table("rent_payments");
    readonly string _refunds = storage.Table("refunds");

    /// <summary>The gateway's idempotency key of one payment's part of a staff refund.</summary>
    public static string KeyOf(Guid refundId, string intentId) => $"{KeyPrefix}{refundId:N}-{intentId}";

    public static Guid EntryOf(Guid refundId, string intentId) => RentIds.Entry(refundId, intentId, "credit-refund");

    /// <summary>
    /// The lease's received payments in <paramref name="currency"/>, newest first, with what each can still refund: neither
    /// returned by the bank nor refused, less the refunds of the charge and the staff refunds made of it.
    /// </summary>
    public async Task<IReadOnlyList<RefundablePayment>> RefundableAsync(SqlSession session, Guid leaseId, string currency,
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT p.intent_id, p.charge_id, p.amount - p.refunded - COALESCE((SELECT SUM(r.amount) FROM {_refunds} r
                WHERE r.payment_intent_id = p.intent_id AND r.idempotency_key LIKE @prefix), 0)
            FROM {_payments} p
            WHERE p.lease_id = @lease_id AND p.currency = @currency AND p.succeeded_at IS NOT NULL AND p.returned_at IS NULL AND p.refused_at IS NULL
            ORDER BY p.succeeded_at DESC, p.intent_id DESC
            """).With("@lease_id", leaseId).With("@currency", currency).With("@prefix", KeyPrefix + "%");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var payments = new List<RefundablePayment>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var refundable = Convert.ToInt64(reader.GetValue(2), CultureInfo.InvariantCulture);
            if (refundable > 0)
                payments.Add(new RefundablePayment(reader.GetString(0), reader.GetGuid(1), refundable));
        }
        return payments;
    }

    /// <summary>What staff refunds took of the payment, in minor units.</summary>
    public async Task<long> StaffRefundedAsync(SqlSession session, string intentId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT COALESCE(SUM(amount), 0) FROM {_refunds} WHERE payment_intent_id = @intent_id AND idempotency_key LIKE @prefix
            """).With("@intent_id", intentId).With("@prefix", KeyPrefix + "%");
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }
}
