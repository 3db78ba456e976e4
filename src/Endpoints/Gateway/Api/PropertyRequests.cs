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
        FieldRules.Text(errors, "name", Name, 200, "The property's name");
        FieldRules.Text(errors, "addressLine1", AddressLine1, 200, "The first address line");
        FieldRules.Text(errors, "addressLine2", AddressLine2, 200, "The second address line", required: false);
        FieldRules.Text(errors, "city", City, 100, "The city");
        FieldRules.Text(errors, "region", Region, 100, "The region", required: false);
        FieldRules.Text(errors, "postalCode", PostalCode, 20, "The postal code");
        if (!errors.ContainsKey("postalCode") && !PostalCode!.Trim().All(c => char.IsAsciiLetterOrDigit(c) || c is ' ' or '-'))
            errors["postalCode"] = ["The postal code is letters, digits, spaces and hyphens."];
        if (!FieldRules.IsCountryCode(Country))
            errors["country"] = ["The country is a two-letter ISO 3166-1 code, such as \"US\"."];
        return errors;
    }

    public static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}

/// <summary>An amount as the API takes it: <c>{ "amount": 1850.00, "currency": "USD" }</c>.</summary>
public sealed record MoneyRequest(decimal? Amount, string? Currency);

/// <summary>A unit of a property. <see cref="Bathrooms"/> counts half bathrooms as 0.5.</summary>
public sealed record UnitRequest(string? Label, int? Bedrooms, decimal? Bathrooms, int? SquareFeet, MoneyRequest? MarketRent)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        FieldRules.Text(errors, "label", Label, 50, "The unit's label");
        if (Bedrooms is not (>= 0 and <= 50))
            errors["bedrooms"] = ["The number of bedrooms is required, from 0 to 50."];
        if (Bathrooms is not (>= 0 and <= 50) || Bathrooms.Value * 2 != decimal.Truncate(Bathrooms.Value * 2))
            errors["bathrooms"] = ["The number of bathrooms is required, from 0 to 50 in steps of 0.5."];
        if (SquareFeet is not (> 0 and <= 1_000_000))
            errors["squareFeet"] = ["The floor area is required, in square feet, from 1 to 1,000,000."];
        if (MarketRent is null)
            errors["marketRent"] = ["The market rent is required, as { \"amount\": 1850.00, \"currency\": \"USD\" }."];
        else
        {
            FieldRules.Amount(errors, "marketRent.amount", MarketRent.Amount, "The market rent");
            FieldRules.Currency(errors, "marketRent.currency", MarketRent.Currency);
        }

        return errors;
    }

    public Money Rent => new(MarketRent!.Amount!.Value, MarketRent.Currency!.ToUpperInvariant());
}
