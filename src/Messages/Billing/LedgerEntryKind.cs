namespace Orchestration.Messages.Billing;

/// <summary>What a ledger entry records. The names are the <c>kind</c> column's values.</summary>
public enum LedgerEntryKind
{
    /// <summary>Rent or another recurring charge of the lease, owed on its due date.</summary>
    Charge,

    /// <summary>Money received from the tenant.</summary>
    Payment,

    /// <summary>A fee for paying a charge late, assessed by the lease's late-fee policy.</summary>
    LateFee,

    /// <summary>A payment taken back by the bank (a returned debit, NSF): positive, it names the payment it reverses.</summary>
    Reversal,

    /// <summary>The fee for a returned payment.</summary>
    NsfFee,

    /// <summary>Money paid back to the tenant (an overpayment returned): positive, it uses up their credit.</summary>
    Refund,

    /// <summary>A credit granted to the tenant, such as a concession or a waived fee.</summary>
    Credit,

    /// <summary>
    /// Funds withdrawn by a card dispute (positive, naming the disputed payment) or given back when the dispute is won
    /// (negative).
    /// </summary>
    Dispute,

    /// <summary>
    /// A security deposit received and held for the tenant (negative), or given back (positive, naming the entry it
    /// returns). Held funds are the tenant's, not a prepayment: they are left out of the balance owed and never pay a
    /// charge or a fee.
    /// </summary>
    DepositHeld,
}
