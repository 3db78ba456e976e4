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

    /// <summary>
    /// The largest single charge a card processor takes, in the major unit of a two-decimal currency (Stripe's limit is
    /// 99,999,999 minor units).
    /// </summary>
    public const decimal MaxCharge = 999_999.99m;

    // ISO 4217 currencies in circulation whose minor unit is 1/100. Left out: zero- and three-decimal currencies (JPY,
    // KWD, ...), fund codes (BOV, CHE, USN, ...), precious metals and the X-codes that name no money (XAU, XTS, XXX),
    // and withdrawn codes (HRK, SLL, ...): no processor charges them.
    static readonly HashSet<string> TwoDecimal = new(StringComparer.Ordinal)
    {
        "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN", "BMD", "BND", "BOB", "BRL",
        "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DKK", "DOP", "DZD", "EGP",
        "ERN", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS",
        "INR", "IRR", "JMD", "KES", "KGS", "KHR", "KPW", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "MAD", "MDL", "MGA", "MKD",
        "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "PAB", "PEN",
        "PGK", "PHP", "PKR", "PLN", "QAR", "RON", "RSD", "RUB", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD",
        "SSP", "STN", "SVC", "SYP", "SZL", "THB", "TJS", "TMT", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "USD", "UYU", "UZS", "VED",
        "VES", "WST", "XCD", "XCG", "YER", "ZAR", "ZMW", "ZWG",
    };

    /// <summary>An ISO 4217 currency in circulation whose minor unit is a hundredth (cents): the only kind the platform charges.</summary>
    public static bool IsTwoDecimalCurrency(string? code) => code is not null && TwoDecimal.Contains(code);

    /// <summary>At most two decimal places: a whole number of cents.</summary>
    public static bool IsWholeCents(decimal amount) => decimal.Round(amount, 2) == amount;

    /// <summary>Three upper-case ASCII letters: the shape of an ISO 4217 code, not proof that the code exists.</summary>
    public static bool IsCurrencyCode(string? code) =>
        code is { Length: 3 } && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1]) && char.IsAsciiLetterUpper(code[2]);
}
