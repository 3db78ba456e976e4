namespace Orchestration.Endpoints.Billing.Payments;

/// <summary>
/// Amounts as the gateway takes them: a whole number of the currency's minor unit (cents). Billing charges in
/// currencies with two decimal places only; an amount with finer precision, or in a currency whose minor unit is
/// not a hundredth, would be charged wrongly, so it is refused.
/// </summary>
public static class MinorUnits
{
    public static long From(Money money)
    {
        if (!Money.IsCurrencyCode(money.Currency))
            throw new InvalidMoveInAmountException($"'{money.Currency}' is not a three-letter ISO 4217 currency code.");
        if (!Money.IsTwoDecimalCurrency(money.Currency))
            throw new InvalidMoveInAmountException($"{money.Currency} does not have two decimal places; Billing charges two-decimal currencies only.");
        if (money.Amount <= 0)
            throw new InvalidMoveInAmountException($"{money.Amount} {money.Currency} is not a positive amount.");

        var minor = money.Amount * 100m;
        if (minor != decimal.Truncate(minor))
            throw new InvalidMoveInAmountException($"{money.Amount} {money.Currency} has more than two decimal places.");
        if (minor > long.MaxValue)
            throw new InvalidMoveInAmountException($"{money.Amount} {money.Currency} is too large to charge.");
        return (long)minor;
    }

    /// <summary>The sum of the lines in minor units; every line must be in the same currency.</summary>
    public static long Total(params Money[] lines)
    {
        var currencies = lines.Select(line => line.Currency).Distinct(StringComparer.Ordinal).ToList();
        if (currencies.Count != 1)
            throw new InvalidMoveInAmountException($"The amounts are in different currencies ({string.Join(", ", currencies)}); one payment takes one currency.");
        // A line of nothing (no security deposit) adds nothing; the payment as a whole must still be positive.
        var total = checked(lines.Where(line => line.Amount != 0).Sum(From));
        return total > 0 ? total : throw new InvalidMoveInAmountException("The amounts add up to nothing to charge.");
    }
}
