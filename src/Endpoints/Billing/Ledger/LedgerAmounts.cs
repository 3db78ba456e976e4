namespace Orchestration.Endpoints.Billing.Ledger;

/// <summary>
/// Ledger amounts as stored: a signed whole number of cents of a two-decimal currency. An amount the ledger cannot hold
/// exactly is refused rather than rounded, because a rounded entry would make every later balance wrong.
/// </summary>
public static class LedgerAmounts
{
    public static long ToMinor(Money money)
    {
        if (!Money.IsTwoDecimalCurrency(money.Currency))
            throw new InvalidLedgerEntryException($"{money.Currency} is not a two-decimal currency; the ledger holds two-decimal currencies only.");
        if (!Money.IsWholeCents(money.Amount))
            throw new InvalidLedgerEntryException($"{money.Amount} {money.Currency} is not a whole number of cents.");
        return decimal.ToInt64(money.Amount * 100m);
    }

    public static Money FromMinor(long minor, string currency) => new(minor / 100m, currency);

    /// <summary>A decimal amount rounded to whole cents, halves away from zero (the usual rule for fees in the ledger).</summary>
    public static decimal Cents(decimal amount) => decimal.Round(amount, 2, MidpointRounding.AwayFromZero);
}

/// <summary>An entry the ledger cannot hold: a currency without cents, or a fraction of a cent. No retry can help.</summary>
public sealed class InvalidLedgerEntryException(string message) : Exception(message);
