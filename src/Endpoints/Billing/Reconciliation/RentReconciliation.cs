using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Endpoints.Billing.Payments;
using Orchestration.Endpoints.Billing.Rent;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Reconciliation;

/// <summary>
/// How a rent payment at the gateway and the ledger are compared. An intent made for a rent charge
/// (<c>metadata[rent_charge]</c>) has at most one payment entry and one reversal entry in the ledger, with ids derived
/// from the charge and the intent (<see cref="RentIds.Entry"/>), so each side finds the other without a lookup table.
/// What the gateway has collected (<c>amount_received</c>: the amount once succeeded, nothing once the bank returned it)
/// must equal what the ledger holds as paid, net of the bank's return. Refunds and disputes are money moved after the
/// collection, each reported by its own event and entry, and are not part of this comparison.
/// </summary>
public static class RentReconciliation
{
    public static Guid? ChargeOf(ListedPaymentIntent intent) =>
        intent.Metadata.TryGetValue(RequestRentPaymentConsumer.RentChargeMetadata, out var value) && Guid.TryParse(value, out var charge) ? charge : null;

    public static Guid PaymentEntry(Guid chargeId, string intentId) => RentIds.Entry(chargeId, intentId, "payment");

    public static Guid ReversalEntry(Guid chargeId, string intentId) => RentIds.Entry(chargeId, intentId, "reversal");

    /// <summary>The difference between one gateway payment of a charge and its ledger entries; null when they agree.</summary>
    public static ReconciliationDiscrepancy? Compare(ListedPaymentIntent intent, Guid chargeId, LedgerEntry? payment, LedgerEntry? reversal)
    {
        var collected = LedgerAmounts.FromMinor(intent.AmountReceived, intent.Currency);
        if (payment is null)
        {
            return intent.AmountReceived == 0
                ? null
                : new ReconciliationDiscrepancy
                {
                    Kind = ReconciliationDiscrepancyKinds.MissingInLedger,
                    PaymentIntentId = intent.Id,
                    ChargeId = chargeId,
                    LedgerEntryId = PaymentEntry(chargeId, intent.Id),
                    Gateway = collected,
                };
        }

        var held = new Money(-(payment.Amount.Amount + (reversal?.Amount.Amount ?? 0m)), payment.Amount.Currency);
        var kind = !string.Equals(held.Currency, collected.Currency, StringComparison.OrdinalIgnoreCase) ? ReconciliationDiscrepancyKinds.CurrencyMismatch
            : held.Amount != collected.Amount ? ReconciliationDiscrepancyKinds.AmountMismatch
            : null;
        return kind is null
            ? null
            : new ReconciliationDiscrepancy
            {
                Kind = kind,
                PaymentIntentId = intent.Id,
                ChargeId = chargeId,
                LeaseId = payment.LeaseId,
                LedgerEntryId = payment.EntryId,
                Gateway = collected,
                Ledger = held,
            };
    }

    /// <summary>A ledger payment no gateway payment matches.</summary>
    public static ReconciliationDiscrepancy MissingAtGateway(LedgerEntry payment, string? intentId) => new()
    {
        Kind = ReconciliationDiscrepancyKinds.MissingAtGateway,
        PaymentIntentId = intentId,
        ChargeId = payment.ChargeId,
        LeaseId = payment.LeaseId,
        LedgerEntryId = payment.EntryId,
        Ledger = new Money(-payment.Amount.Amount, payment.Amount.Currency),
    };
}
