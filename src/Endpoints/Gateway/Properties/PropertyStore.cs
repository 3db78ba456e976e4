using System.Data.Common;
using Dapper;

namespace Orchestration.Endpoints.Gateway.Properties;

/// <summary>
/// The SQL of properties and their units: master data the Gateway owns and staff keep, which every process that deals
/// with a unit (leasing, rent, maintenance) refers to by id. Every method runs on the caller's <see cref="SqlSession"/>;
/// <see cref="LockUnitAsync"/> takes the unit's row for the rest of that transaction, so two writers of its occupancy
/// take turns.
/// </summary>
public sealed class PropertyStore(SqlStorage storage)
{
    readonly string _properties = storage.Table("properties");
    readonly string _units = storage.Table("units");
    readonly string _forUpdate = storage.Dialect.ForUpdate;

    const string PropertyColumns = "property_id, name, address_line1, address_line2, city, region, postal_code, country, created_at, updated_at";
    const string UnitColumns = """
        unit_id, property_id, label, bedrooms, bathrooms, square_feet, market_rent_amount, market_rent_currency, status, lease_id, created_at
        """;

    public async Task InsertPropertyAsync(SqlSession session, PropertyRecord property, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_properties} ({PropertyColumns})
            VALUES (@PropertyId, @Name, @AddressLine1, @AddressLine2, @City, @Region, @PostalCode, @Country, @CreatedAt, @UpdatedAt)
            """, property, cancellationToken));

    /// <summary>False when there is no such property.</summary>
    public async Task<bool> UpdatePropertyAsync(SqlSession session, PropertyRecord property, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_properties} SET name = @Name, address_line1 = @AddressLine1, address_line2 = @AddressLine2, city = @City, region = @Region,
                postal_code = @PostalCode, country = @Country, updated_at = @UpdatedAt
            WHERE property_id = @PropertyId
            """, property, cancellationToken)) == 1;

    public Task<PropertyRecord?> FindPropertyAsync(SqlSession session, Guid propertyId, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<PropertyRecord?>(session.Command(
            $"SELECT {PropertyColumns} FROM {_properties} WHERE property_id = @propertyId", new { propertyId }, cancellationToken));

    public Task<Page<PropertyRecord>> ListPropertiesAsync(SqlSession session, Paging paging, CancellationToken cancellationToken) =>
        session.QueryPageAsync<PropertyRecord>($"""
            SELECT {PropertyColumns} FROM {_properties} ORDER BY name, property_id LIMIT @limit OFFSET @offset
            """, $"SELECT COUNT(*) FROM {_properties}", null, paging, cancellationToken);

    /// <summary>False when the property already has a unit with the same label, in any letter case.</summary>
    public async Task<bool> InsertUnitAsync(SqlSession session, UnitRecord unit, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_units} ({UnitColumns}, label_key)
            VALUES (@UnitId, @PropertyId, @Label, @Bedrooms, @Bathrooms, @SquareFeet, @MarketRentAmount, @MarketRentCurrency,
                @Status, @LeaseId, @CreatedAt, @LabelKey)
            ON CONFLICT DO NOTHING
            """, UnitRow.Of(unit), cancellationToken)) == 1;

    /// <summary>
    /// Writes the unit's label, rooms, floor area and market rent (not its occupancy); false when another unit of its
    /// property has the label, in any letter case (PostgreSQL: also one another transaction gave it while this one ran,
    /// after which the transaction can only be rolled back).
    /// </summary>
    public async Task<bool> UpdateUnitAsync(SqlSession session, UnitRecord unit, CancellationToken cancellationToken)
    {
        try
        {
            return await session.Connection.ExecuteAsync(session.Command($"""
                UPDATE {_units} SET label = @Label, label_key = @LabelKey, bedrooms = @Bedrooms, bathrooms = @Bathrooms, square_feet = @SquareFeet,
                    market_rent_amount = @MarketRentAmount, market_rent_currency = @MarketRentCurrency
                WHERE unit_id = @UnitId
                    AND NOT EXISTS (SELECT 1 FROM {_units} other WHERE other.property_id = @PropertyId AND other.label_key = @LabelKey AND other.unit_id <> @UnitId)
                """, UnitRow.Of(unit), cancellationToken)) == 1;
        }
        catch (DbException e) when (e.SqlState == "23505")
        {
            return false;
        }
    }

    public Task<UnitRecord?> FindUnitAsync(SqlSession session, Guid unitId, CancellationToken cancellationToken) =>
        UnitAsync(session, unitId, "", cancellationToken);

    public Task<UnitRecord?> LockUnitAsync(SqlSession session, Guid unitId, CancellationToken cancellationToken) =>
        UnitAsync(session, unitId, _forUpdate, cancellationToken);

    public async Task<IReadOnlyList<UnitRecord>> ListUnitsAsync(SqlSession session, Guid propertyId, CancellationToken cancellationToken)
    {
        var rows = await session.Connection.QueryAsync<UnitRow>(session.Command($"""
            SELECT {UnitColumns} FROM {_units} WHERE property_id = @propertyId ORDER BY label, unit_id
            """, new { propertyId }, cancellationToken));
        return [.. rows.Select(row => row.Record)];
    }

    /// <summary>Writes the unit's status and lease, as they follow the lease that holds it.</summary>
    public async Task SaveUnitOccupancyAsync(SqlSession session, UnitRecord unit, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"UPDATE {_units} SET status = @Status, lease_id = @LeaseId WHERE unit_id = @UnitId",
            new { unit.UnitId, unit.Status, unit.LeaseId }, cancellationToken));

    async Task<UnitRecord?> UnitAsync(SqlSession session, Guid unitId, string forUpdate, CancellationToken cancellationToken) =>
        (await session.Connection.QuerySingleOrDefaultAsync<UnitRow>(session.Command(
            $"SELECT {UnitColumns} FROM {_units} WHERE unit_id = @unitId {forUpdate}", new { unitId }, cancellationToken)))?.Record;

    /// <summary>A row of <c>units</c>, where the market rent and its currency are columns of their own.</summary>
    sealed record UnitRow(
        Guid UnitId, Guid PropertyId, string Label, int Bedrooms, decimal Bathrooms, int SquareFeet, decimal MarketRentAmount,
        string MarketRentCurrency, string Status, Guid? LeaseId, DateTimeOffset CreatedAt)
    {
        /// <summary>The label as it is unique within its property: in any letter case.</summary>
        public string LabelKey => Label.ToLowerInvariant();

        public UnitRecord Record => new(UnitId, PropertyId, Label, Bedrooms, Bathrooms, SquareFeet, new Money(MarketRentAmount, MarketRentCurrency),
            Status, LeaseId, CreatedAt);

        public static UnitRow Of(UnitRecord u) => new(u.UnitId, u.PropertyId, u.Label, u.Bedrooms, u.Bathrooms, u.SquareFeet, u.MarketRent.Amount,
            u.MarketRent.Currency, u.Status, u.LeaseId, u.CreatedAt);
    }
}
