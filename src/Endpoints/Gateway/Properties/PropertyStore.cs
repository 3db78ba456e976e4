using System.Data.Common;

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

    public async Task InsertPropertyAsync(SqlSession session, PropertyRecord property, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_properties} ({PropertyColumns})
            VALUES (@property_id, @name, @address_line1, @address_line2, @city, @region, @postal_code, @country, @created_at, @updated_at)
            """);
        await WithProperty(command, property).ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>False when there is no such property.</summary>
    public async Task<bool> UpdatePropertyAsync(SqlSession session, PropertyRecord property, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            UPDATE {_properties} SET name = @name, address_line1 = @address_line1, address_line2 = @address_line2, city = @city, region = @region,
                postal_code = @postal_code, country = @country, updated_at = @updated_at
            WHERE property_id = @property_id
            """);
        return await WithProperty(command, property).ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public Task<PropertyRecord?> FindPropertyAsync(SqlSession session, Guid propertyId, CancellationToken cancellationToken) =>
        session.ReadByKeyAsync($"SELECT {PropertyColumns} FROM {_properties} WHERE property_id = @key", propertyId, ReadProperty, cancellationToken);

    public async Task<Page<PropertyRecord>> ListPropertiesAsync(SqlSession session, Paging paging, CancellationToken cancellationToken)
    {
        await using var count = session.CreateCommand($"SELECT COUNT(*) FROM {_properties}");
        await using var command = session.CreateCommand($"""
            SELECT {PropertyColumns} FROM {_properties} ORDER BY name, property_id LIMIT @limit OFFSET @offset
            """);
        return await command.ReadPageAsync(count, paging, ReadProperty, cancellationToken);
    }

    /// <summary>False when the property already has a unit with the same label, in any letter case.</summary>
    public async Task<bool> InsertUnitAsync(SqlSession session, UnitRecord unit, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_units} ({UnitColumns}, label_key)
            VALUES (@unit_id, @property_id, @label, @bedrooms, @bathrooms, @square_feet, @market_rent_amount, @market_rent_currency,
                @status, @lease_id, @created_at, @label_key)
            ON CONFLICT DO NOTHING
            """)
            .With("@label_key", unit.Label.ToLowerInvariant())
            .With("@unit_id", unit.UnitId).With("@property_id", unit.PropertyId).With("@label", unit.Label).With("@bedrooms", unit.Bedrooms)
            .With("@bathrooms", unit.Bathrooms).With("@square_feet", unit.SquareFeet).With("@market_rent_amount", unit.MarketRent.Amount)
            .With("@market_rent_currency", unit.MarketRent.Currency).With("@status", unit.Status).With("@lease_id", unit.LeaseId)
            .With("@created_at", unit.CreatedAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public Task<UnitRecord?> FindUnitAsync(SqlSession session, Guid unitId, CancellationToken cancellationToken) =>
        session.ReadByKeyAsync(UnitByKey(""), unitId, ReadUnit, cancellationToken);

    public Task<UnitRecord?> LockUnitAsync(SqlSession session, Guid unitId, CancellationToken cancellationToken) =>
        session.ReadByKeyAsync(UnitByKey(_forUpdate), unitId, ReadUnit, cancellationToken);

    public async Task<IReadOnlyList<UnitRecord>> ListUnitsAsync(SqlSession session, Guid propertyId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT {UnitColumns} FROM {_units} WHERE property_id = @property_id ORDER BY label, unit_id
            """).With("@property_id", propertyId);
        return await command.ReadAllAsync(ReadUnit, cancellationToken);
    }

    /// <summary>Writes the unit's status and lease, as they follow the lease that holds it.</summary>
    public async Task SaveUnitOccupancyAsync(SqlSession session, UnitRecord unit, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"UPDATE {_units} SET status = @status, lease_id = @lease_id WHERE unit_id = @unit_id")
            .With("@unit_id", unit.UnitId).With("@status", unit.Status).With("@lease_id", unit.LeaseId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    string UnitByKey(string forUpdate) => $"SELECT {UnitColumns} FROM {_units} WHERE unit_id = @key {forUpdate}";

    static DbCommand WithProperty(DbCommand command, PropertyRecord p) => command
        .With("@property_id", p.PropertyId).With("@name", p.Name).With("@address_line1", p.AddressLine1).With("@address_line2", p.AddressLine2)
        .With("@city", p.City).With("@region", p.Region).With("@postal_code", p.PostalCode).With("@country", p.Country)
        .With("@created_at", p.CreatedAt.ToUnixTimeMilliseconds()).With("@updated_at", p.UpdatedAt.ToUnixTimeMilliseconds());

    static PropertyRecord ReadProperty(DbDataReader r) => new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetNullableString(3), r.GetString(4),
        r.GetNullableString(5), r.GetString(6), r.GetString(7), SqlRows.At(r.GetInt64(8)), SqlRows.At(r.GetInt64(9)));

    static UnitRecord ReadUnit(DbDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetInt32(3), r.GetDecimal(4), r.GetInt32(5),
        SqlRows.MoneyAt(r, 6), r.GetString(8), r.GetNullableGuid(9), SqlRows.At(r.GetInt64(10)));
}
