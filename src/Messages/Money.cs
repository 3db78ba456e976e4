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

    public static bool IsCurrencyCode(string? code) =>
        code is { Length: 3 } && char.IsAsciiLetterUpper(code[0]) && char.IsAsciiLetterUpper(code[1]) && char.IsAsciiLetterUpper(code[2]);
}
