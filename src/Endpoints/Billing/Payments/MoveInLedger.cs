using System.Globalization;
using MassTransit;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Endpoints.Billing.Rent;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Payments;

/// <summary>
/// Posts a lease's move-in funds to its ledger. The first month's rent is the rent charge of the lease's first period,
/// under the id a rent run gives that lease and period (<see cref="RentIds.Charge"/>), posted already paid: a later run of
/// that period finds it and charges only the lease's recurring lines of that month, which are not known here, and no
/// collection starts for the rent, so autopay never takes it again. The deposit is
/// held for the tenant (<see cref="LedgerEntryKind.DepositHeld"/>): it is not part of the balance and never pays a charge.
/// Every entry's id derives from the charge and the payment, so a repeated event posts nothing more; each new entry is
/// announced by <see cref="LedgerEntryRecorded"/>.
/// </summary>
public sealed class MoveInLedger(LedgerStore ledger, RentStore rent, IOptions<RentOptions> options, TimeProvider time)
{
    /// <summary>The state a charge paid with the move-in funds is filed in, as the rent-collection saga names a paid charge.</summary>
    const string Paid = "Paid";

    public static Guid ChargeOf(Guid leaseId, DateOnly dueOn) => RentIds.Charge(leaseId, dueOn.ToString("yyyy-MM", CultureInfo.InvariantCulture));

    public static Guid PaymentEntry(Guid chargeId, string paymentId) => RentIds.Entry(chargeId, paymentId, "payment");

    public static Guid DepositEntry(Guid chargeId, string paymentId) => RentIds.Entry(chargeId, paymentId, "deposit-held");

    /// <summary>The request's lines and due day, or null for a request recorded without them (nothing is posted then).</summary>
    public static (Money Deposit, Money Rent, DateOnly DueOn)? LinesOf(PaymentRecord payment) =>
        payment is { SecurityDeposit: { } deposit, FirstMonthRent: { } firstRent, DueOn: { } due, Currency: { } currency }
        && DateOnly.TryParseExact(due, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var dueOn)
            ? (LedgerAmounts.FromMinor(deposit, currency.ToUpperInvariant()), LedgerAmounts.FromMinor(firstRent, currency.ToUpperInvariant()), dueOn)
            : null;

    /// <summary>Posts the charge, its payment and the deposit held, in the handler's transaction.</summary>
    public async Task ReceivedAsync(SqlSession session, ConsumeContext context, PaymentRecord payment, string paymentId, DateTimeOffset paidAt)
    {
        if (LinesOf(payment) is not var (deposit, firstRent, dueOn))
            return;

        var cancellationToken = context.CancellationToken;
        var now = time.GetUtcNow();
        var leaseId = payment.LeaseId;
        var period = dueOn.ToString("yyyy-MM", CultureInfo.InvariantCulture);
        var chargeId = ChargeOf(leaseId, dueOn);
        var policies = new LateFeePolicyBook(options.Value.LateFees, await rent.LateFeePolicySettingsAsync(session, cancellationToken));
        // The lease's property is not known before it is activated: its own policy, else the company's.
        var policy = policies.InForce(Guid.Empty, leaseId, now);
        if (await rent.PostChargeAsync(session, chargeId, RentIds.MoveInCharges, leaseId, period, firstRent, dueOn, policy, now.ToUnixTimeMilliseconds(),
                cancellationToken))
            await rent.RecordProgressAsync(session, chargeId, Paid, new Money(0m, firstRent.Currency), now, cancellationToken);

        var due = new DateTimeOffset(dueOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await ledger.AppendAndPublishAsync(session, context, new LedgerEntry(chargeId, leaseId, LedgerEntryKind.Charge, firstRent, chargeId, due, now));
        await ledger.AppendAndPublishAsync(session, context, new LedgerEntry(PaymentEntry(chargeId, paymentId), leaseId, LedgerEntryKind.Payment,
            new Money(-firstRent.Amount, firstRent.Currency), chargeId, paidAt, now));
        if (deposit.Amount > 0)
            await ledger.AppendAndPublishAsync(session, context, new LedgerEntry(DepositEntry(chargeId, paymentId), leaseId, LedgerEntryKind.DepositHeld,
                new Money(-deposit.Amount, deposit.Currency), chargeId, paidAt, now));
    }
}
