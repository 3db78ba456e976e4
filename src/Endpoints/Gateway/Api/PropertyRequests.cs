namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>A property's name and postal address; <see cref="Country"/> is an ISO 3166-1 alpha-2 code such as "US".</summary>
public sealed record PropertyRequest(
    string? Name,
    string? AddressLine1,
    string? AddressLine2,
    string? City,
    string? Region,
    string? PostalCode,
    string? Country)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        Required(errors, "name", Name, 200, "The property's name");
        Required(errors, "addressLine1", AddressLine1, 200, "The first address line");
        Optional(errors, "addressLine2", AddressLine2, 200, "The second address line");
        Required(errors, "city", City, 100, "The city");
        Optional(errors, "region", Region, 100, "The region");
        Required(errors, "postalCode", PostalCode, 20, "The postal code");
        if (Country is not { Length: 2 } || !Country.All(char.IsAsciiLetter))
            errors["country"] = ["The country is a two-letter ISO 3166-1 code, such as \"US\"."];
        return errors;
    }

    public static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    internal static void Required(Dictionary<string, string[]> errors, string field, string? value, int maxLength, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
            errors[field] = [$"{what} is required."];
        else
            Optional(errors, field, value, maxLength, what);
    }

    internal static void Optional(Dictionary<string, string[]> errors, string field, string? value, int maxLength, string what)
    {
        if (value is not null && value.Trim().Length > maxLength)
            errors[field] = [$"{what} is at most {maxLength} characters."];
    }
}

/// <summary>An amount as the API takes it: <c>{ "amount": 1850.00, "currency": "USD" }</c>.</summary>
public sealed record MoneyRequest(decimal? Amount, string? Currency);

/// <summary>A unit of a property. <see cref="Bathrooms"/> counts half bathrooms as 0.5.</summary>
public sealed record UnitRequest(string? Label, int? Bedrooms, decimal? Bathrooms, int? SquareFeet, MoneyRequest? MarketRent)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        PropertyRequest.Required(errors, "label", Label, 50, "The unit's label");
        if (Bedrooms is not (>= 0 and <= 50))
            errors["bedrooms"] = ["The number of bedrooms is required, from 0 to 50."];
        if (Bathrooms is not (>= 0 and <= 50) || Bathrooms.Value * 2 != decimal.Truncate(Bathrooms.Value * 2))
            errors["bathrooms"] = ["The number of bathrooms is required, from 0 to 50 in steps of 0.5."];
        if (SquareFeet is not (> 0 and <= 1_000_000))
            errors["squareFeet"] = ["The floor area is required, in square feet, from 1 to 1,000,000."];
        if (MarketRent?.Amount is not > 0)
            errors["marketRent.amount"] = ["The market rent is required and must be positive."];
        if (!Money.IsCurrencyCode(MarketRent?.Currency?.ToUpperInvariant()))
            errors["marketRent.currency"] = ["The market rent's currency is a three-letter ISO 4217 code."];
        return errors;
    }

    public Money Rent => new(MarketRent!.Amount!.Value, MarketRent.Currency!.ToUpperInvariant());
}
