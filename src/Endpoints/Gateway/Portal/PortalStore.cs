using System.Data.Common;
using System.Globalization;
using Orchestration.Messages;
using Orchestration.Platform.Storage;

namespace Orchestration.Endpoints.Gateway.Portal;

/// <summary>
/// The SQL of the portal's reference data and read models, in one place. Every method runs on the caller's
/// <see cref="SqlSession"/>: an HTTP request's transaction, or the transaction in which a projected event is also
/// marked handled. Methods named <c>Lock…</c> take the row for the rest of that transaction, so two writers of the same
/// lease, unit or tenant take turns.
/// </summary>
public sealed class PortalStore(SqlStorage storage)
{
    readonly string _properties = storage.Table("properties");
    readonly string _units = storage.Table("units");
    readonly string _leases = storage.Table("leases");
    readonly string _timeline = storage.Table("lease_timeline");
    readonly string _tenants = storage.Table("tenants");
    readonly string _idempotencyKeys = storage.Table("idempotency_keys");
    readonly string _forUpdate = storage.Dialect.ForUpdate;

    const string PropertyColumns = "property_id, name, address_line1, address_line2, city, region, postal_code, country, created_at, updated_at";
    const string UnitColumns = "unit_id, property_id, label, bedrooms, bathrooms, square_feet, market_rent_amount, market_rent_currency, status, lease_id, created_at";
    const string TenantColumns = "tenant_id, name, email, current_lease_id, status, created_at, updated_at";
    const string LeaseColumns = """
        lease_id, property_id, unit_id, tenant_id, tenant_name, tenant_email, monthly_rent_amount, monthly_rent_currency,
        security_deposit_amount, security_deposit_currency, lease_start, lease_end, state, last_sequence, submitted_at, updated_at
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

    public async Task<PropertyRecord?> FindPropertyAsync(SqlSession session, Guid propertyId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT {PropertyColumns} FROM {_properties} WHERE property_id = @property_id")
            .With("@property_id", propertyId);
        return (await ReadAsync(command, ReadProperty, cancellationToken)).SingleOrDefault();
    }

    public async Task<Page<PropertyRecord>> ListPropertiesAsync(SqlSession session, Paging paging, CancellationToken cancellationToken)
    {
        await using var count = session.CreateCommand($"SELECT COUNT(*) FROM {_properties}");
        await using var command = session.CreateCommand($"""
            SELECT {PropertyColumns} FROM {_properties} ORDER BY name, property_id LIMIT @limit OFFSET @offset
            """).With("@limit", paging.Limit).With("@offset", paging.Offset);
        return new Page<PropertyRecord>(await ReadAsync(command, ReadProperty, cancellationToken), paging.Limit, paging.Offset, await CountAsync(count, cancellationToken));
    }

    /// <summary>False when the property already has a unit with the same label.</summary>
    public async Task<bool> InsertUnitAsync(SqlSession session, UnitRecord unit, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_units} ({UnitColumns})
            VALUES (@unit_id, @property_id, @label, @bedrooms, @bathrooms, @square_feet, @market_rent_amount, @market_rent_currency, @status, @lease_id, @created_at)
            ON CONFLICT (property_id, label) DO NOTHING
            """)
            .With("@unit_id", unit.UnitId).With("@property_id", unit.PropertyId).With("@label", unit.Label).With("@bedrooms", unit.Bedrooms)
            .With("@bathrooms", unit.Bathrooms).With("@square_feet", unit.SquareFeet).With("@market_rent_amount", unit.MarketRent.Amount)
            .With("@market_rent_currency", unit.MarketRent.Currency).With("@status", unit.Status).With("@lease_id", unit.LeaseId)
            .With("@created_at", unit.CreatedAt.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<UnitRecord?> FindUnitAsync(SqlSession session, Guid unitId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT {UnitColumns} FROM {_units} WHERE unit_id = @unit_id").With("@unit_id", unitId);
        return (await ReadAsync(command, ReadUnit, cancellationToken)).SingleOrDefault();
    }

    public async Task<UnitRecord?> LockUnitAsync(SqlSession session, Guid unitId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT {UnitColumns} FROM {_units} WHERE unit_id = @unit_id {_forUpdate}").With("@unit_id", unitId);
        return (await ReadAsync(command, ReadUnit, cancellationToken)).SingleOrDefault();
    }

    public async Task<IReadOnlyList<UnitRecord>> ListUnitsAsync(SqlSession session, Guid propertyId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT {UnitColumns} FROM {_units} WHERE property_id = @property_id ORDER BY label, unit_id")
            .With("@property_id", propertyId);
        return await ReadAsync(command, ReadUnit, cancellationToken);
    }

    public async Task SaveUnitOccupancyAsync(SqlSession session, UnitRecord unit, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"UPDATE {_units} SET status = @status, lease_id = @lease_id WHERE unit_id = @unit_id")
            .With("@unit_id", unit.UnitId).With("@status", unit.Status).With("@lease_id", unit.LeaseId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Adds the lease unless it is already known (by the Gateway that accepted it, or by an earlier event).</summary>
    public async Task InsertLeaseAsync(SqlSession session, LeaseRecord lease, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_leases} ({LeaseColumns})
            VALUES (@lease_id, @property_id, @unit_id, @tenant_id, @tenant_name, @tenant_email, @monthly_rent_amount, @monthly_rent_currency,
                @security_deposit_amount, @security_deposit_currency, @lease_start, @lease_end, @state, @last_sequence, @submitted_at, @updated_at)
            ON CONFLICT (lease_id) DO NOTHING
            """);
        await WithLease(command, lease).ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SaveLeaseAsync(SqlSession session, LeaseRecord lease, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            UPDATE {_leases} SET property_id = @property_id, unit_id = @unit_id, tenant_id = @tenant_id, tenant_name = @tenant_name,
                tenant_email = @tenant_email, monthly_rent_amount = @monthly_rent_amount, monthly_rent_currency = @monthly_rent_currency,
                security_deposit_amount = @security_deposit_amount, security_deposit_currency = @security_deposit_currency,
                lease_start = @lease_start, lease_end = @lease_end, state = @state, last_sequence = @last_sequence,
                submitted_at = @submitted_at, updated_at = @updated_at
            WHERE lease_id = @lease_id
            """);
        await WithLease(command, lease).ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<LeaseRecord?> FindLeaseAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT {LeaseColumns} FROM {_leases} WHERE lease_id = @lease_id").With("@lease_id", leaseId);
        return (await ReadAsync(command, ReadLease, cancellationToken)).SingleOrDefault();
    }

    public async Task<LeaseRecord?> LockLeaseAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT {LeaseColumns} FROM {_leases} WHERE lease_id = @lease_id {_forUpdate}").With("@lease_id", leaseId);
        return (await ReadAsync(command, ReadLease, cancellationToken)).SingleOrDefault();
    }

    /// <summary>Newest first; <paramref name="state"/> and <paramref name="propertyId"/> narrow the list when given.</summary>
    public async Task<Page<LeaseRecord>> ListLeasesAsync(SqlSession session, string? state, Guid? propertyId, Paging paging, CancellationToken cancellationToken)
    {
        // One fixed statement per combination of filters keeps the SQL plain and every value a parameter.
        var where = (state, propertyId) switch
        {
            (null, null) => "",
            (not null, null) => "WHERE state = @state",
            (null, not null) => "WHERE property_id = @property_id",
            _ => "WHERE state = @state AND property_id = @property_id",
        };
        await using var count = Filtered(session.CreateCommand($"SELECT COUNT(*) FROM {_leases} {where}"));
        await using var command = Filtered(session.CreateCommand($"""
            SELECT {LeaseColumns} FROM {_leases} {where}
            ORDER BY COALESCE(submitted_at, updated_at) DESC, lease_id LIMIT @limit OFFSET @offset
            """).With("@limit", paging.Limit).With("@offset", paging.Offset));
        return new Page<LeaseRecord>(await ReadAsync(command, ReadLease, cancellationToken), paging.Limit, paging.Offset, await CountAsync(count, cancellationToken));

        DbCommand Filtered(DbCommand c)
        {
            if (state is not null)
                c.With("@state", state);
            if (propertyId is not null)
                c.With("@property_id", propertyId.Value);
            return c;
        }
    }

    public async Task<IReadOnlyList<LeaseRecord>> ListLeasesOfTenantAsync(SqlSession session, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT {LeaseColumns} FROM {_leases} WHERE tenant_id = @tenant_id ORDER BY COALESCE(submitted_at, updated_at) DESC, lease_id
            """).With("@tenant_id", tenantId);
        return await ReadAsync(command, ReadLease, cancellationToken);
    }

    /// <summary>Records the step unless the lease's timeline already has its sequence number.</summary>
    public async Task AppendTimelineAsync(SqlSession session, Guid leaseId, TimelineEntry entry, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_timeline} (lease_id, sequence, state, step, occurred_at, detail) VALUES (@lease_id, @sequence, @state, @step, @occurred_at, @detail)
            ON CONFLICT (lease_id, sequence) DO NOTHING
            """)
            .With("@lease_id", leaseId).With("@sequence", entry.Sequence).With("@state", entry.State).With("@step", entry.Step)
            .With("@occurred_at", entry.OccurredAt.ToUnixTimeMilliseconds()).With("@detail", entry.Detail);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT sequence, state, step, occurred_at, detail FROM {_timeline} WHERE lease_id = @lease_id ORDER BY sequence
            """).With("@lease_id", leaseId);
        return await ReadAsync(command, r => new TimelineEntry(r.GetInt32(0), r.GetString(1), r.GetString(2),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(3)), r.GetNullableString(4)), cancellationToken);
    }

    public async Task<TenantRecord?> FindTenantAsync(SqlSession session, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT {TenantColumns} FROM {_tenants} WHERE tenant_id = @tenant_id").With("@tenant_id", tenantId);
        return (await ReadAsync(command, ReadTenant, cancellationToken)).SingleOrDefault();
    }

    public async Task<TenantRecord?> LockTenantAsync(SqlSession session, Guid tenantId, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT {TenantColumns} FROM {_tenants} WHERE tenant_id = @tenant_id {_forUpdate}")
            .With("@tenant_id", tenantId);
        return (await ReadAsync(command, ReadTenant, cancellationToken)).SingleOrDefault();
    }

    /// <summary>The tenant with this email address, compared without regard to case; the oldest if several share it.</summary>
    public async Task<TenantRecord?> FindTenantByEmailAsync(SqlSession session, string email, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            SELECT {TenantColumns} FROM {_tenants} WHERE lower(email) = lower(@email) ORDER BY created_at, tenant_id LIMIT 1
            """).With("@email", email);
        return (await ReadAsync(command, ReadTenant, cancellationToken)).SingleOrDefault();
    }

    public async Task<Page<TenantRecord>> ListTenantsAsync(SqlSession session, string? status, Paging paging, CancellationToken cancellationToken)
    {
        var where = status is null ? "" : "WHERE status = @status";
        await using var count = session.CreateCommand($"SELECT COUNT(*) FROM {_tenants} {where}");
        await using var command = session.CreateCommand($"SELECT {TenantColumns} FROM {_tenants} {where} ORDER BY name, tenant_id LIMIT @limit OFFSET @offset")
            .With("@limit", paging.Limit).With("@offset", paging.Offset);
        if (status is not null)
        {
            count.With("@status", status);
            command.With("@status", status);
        }

        return new Page<TenantRecord>(await ReadAsync(command, ReadTenant, cancellationToken), paging.Limit, paging.Offset, await CountAsync(count, cancellationToken));
    }

    public async Task InsertTenantAsync(SqlSession session, TenantRecord tenant, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_tenants} ({TenantColumns}) VALUES (@tenant_id, @name, @email, @current_lease_id, @status, @created_at, @updated_at)
            ON CONFLICT (tenant_id) DO NOTHING
            """);
        await WithTenant(command, tenant).ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task SaveTenantAsync(SqlSession session, TenantRecord tenant, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            UPDATE {_tenants} SET name = @name, email = @email, current_lease_id = @current_lease_id, status = @status, updated_at = @updated_at
            WHERE tenant_id = @tenant_id
            """);
        await WithTenant(command, tenant).ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Remembers which lease the key created, unless the key is already taken; false then. A second request with the
    /// same key waits here until the first one's transaction ends, and then finds its row.
    /// </summary>
    public async Task<bool> ClaimIdempotencyKeyAsync(SqlSession session, string scope, string key, string requestHash, Guid leaseId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_idempotencyKeys} (scope, idempotency_key, request_hash, lease_id, created_at) VALUES (@scope, @key, @hash, @lease_id, @now)
            ON CONFLICT (scope, idempotency_key) DO NOTHING
            """)
            .With("@scope", scope).With("@key", key).With("@hash", requestHash).With("@lease_id", leaseId).With("@now", now.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<(string RequestHash, Guid LeaseId)?> FindIdempotencyKeyAsync(SqlSession session, string scope, string key, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT request_hash, lease_id FROM {_idempotencyKeys} WHERE scope = @scope AND idempotency_key = @key")
            .With("@scope", scope).With("@key", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetString(0), reader.GetGuid(1)) : null;
    }

    /// <summary>Forgets keys older than <paramref name="before"/>; a retry after that long is a new request.</summary>
    public async Task<int> ForgetIdempotencyKeysAsync(SqlSession session, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"DELETE FROM {_idempotencyKeys} WHERE created_at < @before")
            .With("@before", before.ToUnixTimeMilliseconds());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    static DbCommand WithProperty(DbCommand command, PropertyRecord p) => command
        .With("@property_id", p.PropertyId).With("@name", p.Name).With("@address_line1", p.AddressLine1).With("@address_line2", p.AddressLine2)
        .With("@city", p.City).With("@region", p.Region).With("@postal_code", p.PostalCode).With("@country", p.Country)
        .With("@created_at", p.CreatedAt.ToUnixTimeMilliseconds()).With("@updated_at", p.UpdatedAt.ToUnixTimeMilliseconds());

    static DbCommand WithLease(DbCommand command, LeaseRecord l) => command
        .With("@lease_id", l.LeaseId).With("@property_id", l.PropertyId).With("@unit_id", l.UnitId).With("@tenant_id", l.TenantId)
        .With("@tenant_name", l.TenantName).With("@tenant_email", l.TenantEmail)
        .With("@monthly_rent_amount", l.MonthlyRent?.Amount).With("@monthly_rent_currency", l.MonthlyRent?.Currency)
        .With("@security_deposit_amount", l.SecurityDeposit?.Amount).With("@security_deposit_currency", l.SecurityDeposit?.Currency)
        .With("@lease_start", IsoDate(l.LeaseStart)).With("@lease_end", IsoDate(l.LeaseEnd))
        .With("@state", l.State).With("@last_sequence", l.LastSequence)
        .With("@submitted_at", l.SubmittedAt?.ToUnixTimeMilliseconds()).With("@updated_at", l.UpdatedAt.ToUnixTimeMilliseconds());

    static DbCommand WithTenant(DbCommand command, TenantRecord t) => command
        .With("@tenant_id", t.TenantId).With("@name", t.Name).With("@email", t.Email).With("@current_lease_id", t.CurrentLeaseId)
        .With("@status", t.Status).With("@created_at", t.CreatedAt.ToUnixTimeMilliseconds()).With("@updated_at", t.UpdatedAt.ToUnixTimeMilliseconds());

    static PropertyRecord ReadProperty(DbDataReader r) => new(r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetNullableString(3), r.GetString(4),
        r.GetNullableString(5), r.GetString(6), r.GetString(7), At(r.GetInt64(8)), At(r.GetInt64(9)));

    static UnitRecord ReadUnit(DbDataReader r) => new(r.GetGuid(0), r.GetGuid(1), r.GetString(2), r.GetInt32(3), r.GetDecimal(4), r.GetInt32(5),
        new Money(r.GetDecimal(6), r.GetString(7)), r.GetString(8), r.GetNullableGuid(9), At(r.GetInt64(10)));

    static TenantRecord ReadTenant(DbDataReader r) => new(r.GetGuid(0), r.GetString(1), r.GetNullableString(2), r.GetNullableGuid(3), r.GetString(4),
        At(r.GetInt64(5)), At(r.GetInt64(6)));

    static LeaseRecord ReadLease(DbDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetNullableGuid(3), r.GetNullableString(4), r.GetNullableString(5),
        MoneyAt(r, 6), MoneyAt(r, 8), DateAt(r, 10), DateAt(r, 11), r.GetString(12), r.GetInt32(13),
        r.GetNullableInt64(14) is { } submitted ? At(submitted) : null, At(r.GetInt64(15)));

    static Money? MoneyAt(DbDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : new Money(r.GetDecimal(ordinal), r.GetString(ordinal + 1));

    static DateOnly? DateAt(DbDataReader r, int ordinal) =>
        r.GetNullableString(ordinal) is { } date ? DateOnly.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;

    static string? IsoDate(DateOnly? date) => date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    static DateTimeOffset At(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);

    static async Task<long> CountAsync(DbCommand command, CancellationToken cancellationToken) =>
        Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);

    static async Task<IReadOnlyList<T>> ReadAsync<T>(DbCommand command, Func<DbDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var rows = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
            rows.Add(read(reader));
        return rows;
    }
}

/// <summary>Where a list starts and how much of it one answer holds.</summary>
public sealed record Paging(int Limit, int Offset)
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;
}

public sealed record Page<T>(IReadOnlyList<T> Items, int Limit, int Offset, long Total);
