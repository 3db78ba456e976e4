namespace Orchestration.Endpoints.Gateway.Properties;

public sealed record PropertyRecord(
    Guid PropertyId,
    string Name,
    string AddressLine1,
    string? AddressLine2,
    string City,
    string? Region,
    string PostalCode,
    string Country,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// A rentable unit. <see cref="Status"/> (a <see cref="UnitStatus"/>) and <see cref="LeaseId"/>, the lease that holds or
/// leases it, follow that lease's state; <see cref="LeaseId"/> is null while the unit is vacant.
/// </summary>
public sealed record UnitRecord(
    Guid UnitId,
    Guid PropertyId,
    string Label,
    int Bedrooms,
    decimal Bathrooms,
    int SquareFeet,
    Money MarketRent,
    string Status,
    Guid? LeaseId,
    DateTimeOffset CreatedAt);

public static class UnitStatus
{
    public const string Vacant = "vacant";
    public const string Held = "held";
    public const string Leased = "leased";
}
