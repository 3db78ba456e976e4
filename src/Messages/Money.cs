namespace Orchestration.Messages;

/// <summary>An amount in one currency; the currency is an ISO 4217 code such as "USD".</summary>
public sealed record Money(decimal Amount, string Currency)
{
    /// <summary>Creates an amount after checking the currency code, for input that has not been validated yet.</summary>
    public static Money Of(decimal amount, string currency)
    {
        if (!IsCurrencyCode(currency))
            throw new ArgumentException($"'{currency}' is not a three-letter ISO 4217 currency code.", nameof(currency));

        return new Money(amount, currency);
    }

    // ISO 4217 currencies whose minor unit is not 1/100: zero-decimal (JPY, KRW, ...) and three-decimal (BHD, KWD, ...).
    static readonly HashSet<string> NotTwoDecimal = new(StringComparer.Ordinal)
    {
        "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF", "XOF", "XPF",
        "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND", "CLF", "UYW",
    };

    /// <summary>A currency whose minor unit is a hundredth (cents): the only kind the platform charges.</summary>
    public static bool IsTwoDecimalCurrency(string? code) => IsCurrencyCode(code) && !NotTwoDecimal.Contains(code!);

    /// <summary>At most two decimal places: a whole number of cents.</summary>
    public static bool IsWholeCents(decimal amount) => decimal.Round(amount, 2) == amount;

    public static bool IsCurrencyCode(string? code) =>
        code is { Length: 3 } && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1]) && char.IsAsciiLetterUpper(code[2]);
}
