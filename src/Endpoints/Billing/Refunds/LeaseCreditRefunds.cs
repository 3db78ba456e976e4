using System.Data.Common;
using System.Globalization;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Refunds;

/// <summary>A received rent payment that can still give money back: what it received less what was refunded of it.</summary>
public sealed record RefundablePayment(string IntentId, Guid ChargeId, long Refundable);

/// <summary>Whether a staff refund of a lease's credit was taken on (its amount reserved against the credit) or refused, and why.</summary>
public static class CreditRefundStatus
{
    public const string Accepted = "accepted";
    public const string Refused = "refused";
}

/// <summary>
/// Where one payment's part of a staff refund stands: <see cref="Claimed"/> from the check until the gateway's answer is
/// recorded, then the gateway's own status (<c>pending</c>, <c>succeeded</c>, <c>failed</c>, <c>canceled</c>).
/// </summary>
public static class CreditRefundPartStatus
{
    public const string Claimed = "claimed";
    public const string Pending = "pending";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Canceled = "canceled";

    /// <summary>Whether the part still counts against the credit and the payment: anything the gateway did not turn down.</summary>
    public static bool Holds(string status) => status is not (Failed or Canceled);
}

/// <summary>A staff refund of a lease's credit as decided; <see cref="Reason"/> says why it was refused.</summary>
public sealed record CreditRefundRecord(Guid RefundId, Guid LeaseId, Money Amount, string Status, string? Reason);

/// <summary>One payment's part of an accepted staff refund, in minor units, and the gateway's refund once it answered.</summary>
public sealed record CreditRefundPart(string IdempotencyKey, Guid RefundId, Guid LeaseId, string IntentId, Guid ChargeId, long Amount, string Currency,
    string Status, string? GatewayRefundId, DateTimeOffset RequestedAt)
{
    public Guid EntryId => LeaseCreditRefunds.EntryOf(RefundId, IntentId);
}

/// <summary>
/// The SQL of staff refunds of a lease's credit. A refund is checked against the credit and its parts (one per payment it
/// takes money back from) reserved in one step per lease (<see cref="LockAsync"/>), committed before the gateway is
/// called: a part counts against the credit from then until its <see cref="LedgerEntryKind.Refund"/> entry is on the
/// ledger, and against its payment until the gateway turns it down. The gateway's <c>charge.refunded</c> reports staff
/// refunds together with any other refund of the payment, so the rent payments subtract these parts before they count a
/// refund of the charge.
/// </summary>
public sealed class LeaseCreditRefunds(SqlStorage storage)
{
    public const string KeyPrefix = "lease-credit-refund-";

    readonly string _payments = storage.Table("rent_payments");
    readonly string _refunds = storage.Table("refunds");
    readonly string _decisions = storage.Table("credit_refunds");
    readonly string _parts = storage.Table("credit_refund_parts");
    readonly string _locks = storage.Table("credit_refund_locks");
    readonly string _entries = storage.Table("ledger_entries");

    /// <summary>
    /// The staff refunds: each one's decision (<c>credit_refunds</c>), its parts (<c>credit_refund_parts</c>, keyed by the
    /// gateway's idempotency key), and one row per lease whose update serialises the check and reservation of its
    /// refunds (<c>credit_refund_locks</c>: a row lock on PostgreSQL, the database's write lock on SQLite).
    /// </summary>
    public static readonly SchemaMigration Schema = new("billing_refunds_0001_credit_refunds", (s, d) => $"""
        CREATE TABLE {s.Table("credit_refunds")} (
            refund_id {d.UuidType} PRIMARY KEY,
            lease_id {d.UuidType} NOT NULL,
            amount bigint NOT NULL,
            currency text NOT NULL,
            status text NOT NULL,
            reason text NULL,
            decided_at bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "credit_refunds_lease")} ON {s.Table("credit_refunds")} (lease_id);

        CREATE TABLE {s.Table("credit_refund_parts")} (
            idempotency_key text PRIMARY KEY,
            refund_id {d.UuidType} NOT NULL,
            lease_id {d.UuidType} NOT NULL,
            intent_id text NOT NULL,
            charge_id {d.UuidType} NOT NULL,
            entry_id {d.UuidType} NOT NULL,
            amount bigint NOT NULL,
            currency text NOT NULL,
            status text NOT NULL,
            gateway_refund_id text NULL,
            requested_at bigint NOT NULL
        );
        CREATE INDEX {PlatformMigrations.Index(s, "credit_refund_parts_lease")} ON {s.Table("credit_refund_parts")} (lease_id);
        CREATE INDEX {PlatformMigrations.Index(s, "credit_refund_parts_intent")} ON {s.Table("credit_refund_parts")} (intent_id);

        CREATE TABLE {s.Table("credit_refund_locks")} (
            lease_id {d.UuidType} PRIMARY KEY,
            claims bigint NOT NULL
        );
        """);

    /// <summary>The gateway's idempotency key of one payment's part of a staff refund.</summary>
    public static string KeyOf(Guid refundId, string intentId) => $"{KeyPrefix}{refundId:N}-{intentId}";

    public static Guid EntryOf(Guid refundId, string intentId) => RentIds.Entry(refundId, intentId, "credit-refund");

    /// <summary>What staff refunds hold of a payment: their parts the gateway has not turned down, and refunds recorded before parts were kept.</summary>
    string HeldOf(string intent) => $"""
        (COALESCE((SELECT SUM(cp.amount) FROM {_parts} cp WHERE cp.intent_id = {intent} AND cp.status NOT IN (@failed, @canceled)), 0)
         + COALESCE((SELECT SUM(r.amount) FROM {_refunds} r WHERE r.payment_intent_id = {intent} AND r.idempotency_key LIKE @prefix
             AND NOT EXISTS (SELECT 1 FROM {_parts} rp WHERE rp.idempotency_key = r.idempotency_key)), 0))
        """;

    /// <summary>Binds the parameters of <see cref="HeldOf"/>.</summary>
    static void Held(DbCommand command) => Released(command).With("@prefix", KeyPrefix + "%");

    static DbCommand Released(DbCommand command) =>
        command.With("@failed", CreditRefundPartStatus.Failed).With("@canceled", CreditRefundPartStatus.Canceled);

    /// <summary>
    /// Takes the lease's refund lock for the rest of the transaction: the first statement of the step that checks and
    /// reserves, so two refunds of one lease, in any consumer or instance, are decided one after the other.
    /// </summary>
    public async Task LockAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_locks} (lease_id, claims) VALUES (@lease_id, 1)
            ON CONFLICT (lease_id) DO UPDATE SET claims = {_locks}.claims + 1
            """).With("@lease_id", leaseId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// The lease's received payments in <paramref name="currency"/>, newest first, with what each can still refund: neither
    /// returned by the bank nor refused, less the refunds of the charge and the staff refunds made or reserved of it.
    /// </summary>
    public async Task<IReadOnlyList<RefundablePayment>> RefundableAsync(SqlSession session, Guid leaseId, string currency,
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT p.intent_id, p.charge_id, p.amount - p.refunded - {HeldOf("p.intent_id")}
            FROM {_payments} p
            WHERE p.lease_id = @lease_id AND p.currency = @currency AND p.succeeded_at IS NOT NULL AND p.returned_at IS NULL AND p.refused_at IS NULL
            ORDER BY p.succeeded_at DESC, p.intent_id DESC
            """).With("@lease_id", leaseId).With("@currency", currency);
        Held(command);
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

    /// <summary>What staff refunds hold of the payment (made, pending or reserved), in minor units.</summary>
    public async Task<long> StaffRefundedAsync(SqlSession session, string intentId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT {HeldOf("@intent_id")}").With("@intent_id", intentId);
        Held(command);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The lease's credit in <paramref name="currency"/> that staff refunds can still take, in minor units: the negative of
    /// its balance (deposits held excluded) less what staff refunds reserve, their parts the gateway did not turn down and
    /// not yet on the ledger. One statement, so a refund entry the ledger commits meanwhile is counted once, either way.
    /// </summary>
    public async Task<long> CreditAsync(SqlSession session, Guid leaseId, string currency, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT -COALESCE((SELECT SUM(e.amount) FROM {_entries} e WHERE e.lease_id = @lease_id AND e.currency = @currency AND e.kind <> @held), 0)
                - COALESCE((SELECT SUM(p.amount) FROM {_parts} p
                    WHERE p.lease_id = @lease_id AND p.currency = @currency AND p.status NOT IN (@failed, @canceled)
                      AND NOT EXISTS (SELECT 1 FROM {_entries} pe WHERE pe.entry_id = p.entry_id)), 0)
            """).With("@lease_id", leaseId).With("@currency", currency).With("@held", LedgerEntryKind.DepositHeld.Name());
        Released(command);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public async Task<CreditRefundRecord?> FindAsync(SqlSession session, Guid refundId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT lease_id, amount, currency, status, reason FROM {_decisions} WHERE refund_id = @refund_id")
            .With("@refund_id", refundId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new CreditRefundRecord(refundId, reader.GetGuid(0), LedgerAmounts.FromMinor(reader.GetInt64(1), reader.GetString(2)), reader.GetString(3),
                reader.GetNullableString(4))
            : null;
    }

    /// <summary>The refund's parts, in the order they were planned (newest payment first).</summary>
    public Task<IReadOnlyList<CreditRefundPart>> PartsAsync(SqlSession session, Guid refundId, CancellationToken cancellationToken) =>
        ReadPartsAsync(session, "refund_id = @id", refundId, cancellationToken);

    /// <summary>The staff refund parts of a payment the gateway has answered <c>pending</c>.</summary>
    public Task<IReadOnlyList<CreditRefundPart>> PendingOfAsync(SqlSession session, string intentId, CancellationToken cancellationToken) =>
        ReadPartsAsync(session, $"intent_id = @id AND status = '{CreditRefundPartStatus.Pending}'", intentId, cancellationToken);

    /// <summary>The staff refund parts the gateway answered <c>pending</c> that were requested at or before <paramref name="before"/>, oldest first.</summary>
    public Task<IReadOnlyList<CreditRefundPart>> PendingSinceAsync(SqlSession session, DateTimeOffset before, CancellationToken cancellationToken) =>
        ReadPartsAsync(session, $"status = '{CreditRefundPartStatus.Pending}' AND requested_at <= @id", before.ToUnixTimeMilliseconds(), cancellationToken);

    public async Task<CreditRefundPart?> FindPartAsync(SqlSession session, string idempotencyKey, CancellationToken cancellationToken) =>
        (await ReadPartsAsync(session, "idempotency_key = @id", idempotencyKey, cancellationToken)).SingleOrDefault();

    async Task<IReadOnlyList<CreditRefundPart>> ReadPartsAsync(SqlSession session, string where, object id, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT idempotency_key, refund_id, lease_id, intent_id, charge_id, amount, currency, status, gateway_refund_id, requested_at
            FROM {_parts} WHERE {where} ORDER BY requested_at, idempotency_key
            """).With("@id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var parts = new List<CreditRefundPart>();
        while (await reader.ReadAsync(cancellationToken))
            parts.Add(new CreditRefundPart(reader.GetString(0), reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetGuid(4),
                reader.GetInt64(5), reader.GetString(6), reader.GetString(7), reader.GetNullableString(8),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(9))));
        return parts;
    }

    /// <summary>Records the refund taken on, with its parts reserved (in the step that checked them, under the lease's lock).</summary>
    public async Task AcceptAsync(SqlSession session, RefundLeaseCredit refund, IReadOnlyList<(RefundablePayment Payment, long Amount)> plan, long now,
        CancellationToken cancellationToken)
    {
        await DecideAsync(session, refund, CreditRefundStatus.Accepted, null, now, cancellationToken);
        foreach (var (payment, amount) in plan)
        {
            await using var command = session.CreateCommand($"""
                INSERT INTO {_parts} (idempotency_key, refund_id, lease_id, intent_id, charge_id, entry_id, amount, currency, status, requested_at)
                VALUES (@key, @refund_id, @lease_id, @intent_id, @charge_id, @entry_id, @amount, @currency, @status, @requested_at)
                """)
                .With("@key", KeyOf(refund.RefundId, payment.IntentId)).With("@refund_id", refund.RefundId).With("@lease_id", refund.LeaseId)
                .With("@intent_id", payment.IntentId).With("@charge_id", payment.ChargeId).With("@entry_id", EntryOf(refund.RefundId, payment.IntentId))
                .With("@amount", amount).With("@currency", refund.Amount.Currency).With("@status", CreditRefundPartStatus.Claimed)
                .With("@requested_at", refund.RequestedAt.ToUnixTimeMilliseconds());
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Records the refund refused, with its reason: nothing is reserved and the gateway is not called.</summary>
    public Task RefuseAsync(SqlSession session, RefundLeaseCredit refund, string reason, long now, CancellationToken cancellationToken) =>
        DecideAsync(session, refund, CreditRefundStatus.Refused, reason, now, cancellationToken);

    async Task DecideAsync(SqlSession session, RefundLeaseCredit refund, string status, string? reason, long now, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_decisions} (refund_id, lease_id, amount, currency, status, reason, decided_at)
            VALUES (@refund_id, @lease_id, @amount, @currency, @status, @reason, @now)
            """)
            .With("@refund_id", refund.RefundId).With("@lease_id", refund.LeaseId).With("@amount", LedgerAmounts.ToMinor(refund.Amount))
            .With("@currency", refund.Amount.Currency).With("@status", status).With("@reason", reason).With("@now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Records the gateway's status of a part, with the commit that marks the message handled; a part already settled
    /// (succeeded, failed or canceled) keeps its status.
    /// </summary>
    public void RecordStatus(SqlSession session, string idempotencyKey, string status, string? gatewayRefundId) =>
        session.Defer($"""
            UPDATE {_parts} SET status = @status, gateway_refund_id = COALESCE(@refund_id, gateway_refund_id)
            WHERE idempotency_key = @key AND status IN (@claimed, @pending)
            """)
            .With("@key", idempotencyKey).With("@status", status).With("@refund_id", gatewayRefundId)
            .With("@claimed", CreditRefundPartStatus.Claimed).With("@pending", CreditRefundPartStatus.Pending);
}
