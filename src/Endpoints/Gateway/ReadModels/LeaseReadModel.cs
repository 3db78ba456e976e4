using System.Data.Common;
using static Orchestration.Endpoints.Gateway.SqlRows;

namespace Orchestration.Endpoints.Gateway.ReadModels;

/// <summary>
/// The SQL of the lease read models: leases, their timelines and tenants, as projected from Leasing's events and from
/// the applications the Gateway accepts. Every method runs on the caller's <see cref="SqlSession"/>: an HTTP request's
/// transaction, or the transaction in which a projected event is also marked handled. Methods named <c>Lock…</c> take
/// the row for the rest of that transaction, so two writers of the same lease or tenant take turns.
/// </summary>
public sealed class LeaseReadModel(SqlStorage storage)
{
    readonly string _leases = storage.Table("leases");
    readonly string _timeline = storage.Table("lease_timeline");
    readonly string _tenants = storage.Table("tenants");
    readonly string _forUpdate = storage.Dialect.ForUpdate;

    const string TenantColumns = "tenant_id, name, email, current_lease_id, status, created_at, updated_at";
    const string LeaseColumns = """
        lease_id, property_id, unit_id, tenant_id, tenant_name, tenant_email, monthly_rent_amount, monthly_rent_currency,
        security_deposit_amount, security_deposit_currency, lease_start, lease_end, state, last_sequence, submitted_at, updated_at
        """;

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

    public Task<LeaseRecord?> FindLeaseAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken) =>
        session.ReadByKeyAsync(LeaseByKey(""), leaseId, ReadLease, cancellationToken);

    public Task<LeaseRecord?> LockLeaseAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken) =>
        session.ReadByKeyAsync(LeaseByKey(_forUpdate), leaseId, ReadLease, cancellationToken);

    /// <summary>Newest first; <paramref name="state"/> and <paramref name="propertyId"/> narrow the list when given.</summary>
    public async Task<Page<LeaseRecord>> ListLeasesAsync(SqlSession session, string? state, Guid? propertyId, Paging paging,
        CancellationToken cancellationToken)
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
            """));
        return await command.ReadPageAsync(count, paging, ReadLease, cancellationToken);

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
        return await command.ReadAllAsync(ReadLease, cancellationToken);
    }

    /// <summary>Records the step unless the lease's timeline already has its sequence number.</summary>
    public async Task AppendTimelineAsync(SqlSession session, Guid leaseId, TimelineEntry entry, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_timeline} (lease_id, sequence, state, step, occurred_at, detail)
            VALUES (@lease_id, @sequence, @state, @step, @occurred_at, @detail)
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
        return await command.ReadAllAsync(
            r => new TimelineEntry(r.GetInt32(0), r.GetString(1), r.GetString(2), At(r.GetInt64(3)), r.GetNullableString(4)), cancellationToken);
    }

    public Task<TenantRecord?> FindTenantAsync(SqlSession session, Guid tenantId, CancellationToken cancellationToken) =>
        session.ReadByKeyAsync(TenantByKey(""), tenantId, ReadTenant, cancellationToken);

    public Task<TenantRecord?> LockTenantAsync(SqlSession session, Guid tenantId, CancellationToken cancellationToken) =>
        session.ReadByKeyAsync(TenantByKey(_forUpdate), tenantId, ReadTenant, cancellationToken);

    /// <summary>
    /// The tenant this email address belongs to, compared without regard to letter case (<see cref="Api.FieldRules.EmailKey"/>),
    /// locked for the rest of the transaction.
    /// </summary>
    public async Task<TenantRecord?> LockTenantByEmailAsync(SqlSession session, string email, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"SELECT {TenantColumns} FROM {_tenants} WHERE email_key = @email_key {_forUpdate}")
            .With("@email_key", Api.FieldRules.EmailKey(email));
        return await command.ReadOneAsync(ReadTenant, cancellationToken);
    }

    public async Task<Page<TenantRecord>> ListTenantsAsync(SqlSession session, string? status, Paging paging, CancellationToken cancellationToken)
    {
        var where = status is null ? "" : "WHERE status = @status";
        await using var count = session.CreateCommand($"SELECT COUNT(*) FROM {_tenants} {where}");
        await using var command = session.CreateCommand($"""
            SELECT {TenantColumns} FROM {_tenants} {where} ORDER BY name, tenant_id LIMIT @limit OFFSET @offset
            """);
        if (status is not null)
        {
            count.With("@status", status);
            command.With("@status", status);
        }

        return await command.ReadPageAsync(count, paging, ReadTenant, cancellationToken);
    }

    /// <summary>
    /// Adds the tenant, claiming their email address; false, and nothing added, when the id is known or the address
    /// already belongs to a tenant. Two transactions adding one address at once take turns here: the second finds the
    /// first's tenant once it commits.
    /// </summary>
    public async Task<bool> InsertTenantAsync(SqlSession session, TenantRecord tenant, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_tenants} ({TenantColumns}, email_key)
            VALUES (@tenant_id, @name, @email, @current_lease_id, @status, @created_at, @updated_at, @email_key)
            ON CONFLICT DO NOTHING
            """);
        return await WithTenant(command, tenant).ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Adds a tenant whose address another tenant already has: listed, but not found by that address.</summary>
    public async Task InsertTenantWithoutEmailKeyAsync(SqlSession session, TenantRecord tenant, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            INSERT INTO {_tenants} ({TenantColumns}) VALUES (@tenant_id, @name, @email, @current_lease_id, @status, @created_at, @updated_at)
            ON CONFLICT DO NOTHING
            """);
        await WithTenant(command, tenant).ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Writes the tenant's status and current lease, as they follow the tenant's leases.</summary>
    public async Task SaveTenantStandingAsync(SqlSession session, TenantRecord tenant, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand($"""
            UPDATE {_tenants} SET current_lease_id = @current_lease_id, status = @status, updated_at = @updated_at WHERE tenant_id = @tenant_id
            """);
        await WithTenant(command, tenant).ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Writes the tenant's name and email address, as staff changed them; the caller has checked the address is free.</summary>
    /// <summary>
    /// Saves a staff member's change to a tenant's name or email. The email's unique key is written only when the email
    /// changes (a tenant left without one by older data keeps it so), and false means another tenant holds the new address
    /// (PostgreSQL: one that committed it while this transaction ran; the transaction can then only be rolled back).
    /// </summary>
    public async Task<bool> SaveTenantContactAsync(SqlSession session, TenantRecord tenant, bool emailChanged, CancellationToken cancellationToken)
    {
        await using var command = session.CreateCommand(emailChanged
            ? $"""
              UPDATE {_tenants} SET name = @name, email = @email, email_key = @email_key, updated_at = @updated_at
              WHERE tenant_id = @tenant_id AND NOT EXISTS (SELECT 1 FROM {_tenants} WHERE email_key = @email_key AND tenant_id <> @tenant_id)
              """
            : $"UPDATE {_tenants} SET name = @name, updated_at = @updated_at WHERE tenant_id = @tenant_id");
        try
        {
            return await WithTenant(command, tenant).ExecuteNonQueryAsync(cancellationToken) == 1;
        }
        catch (DbException e) when (e.SqlState == "23505")
        {
            return false;
        }
    }

    string LeaseByKey(string forUpdate) => $"SELECT {LeaseColumns} FROM {_leases} WHERE lease_id = @key {forUpdate}";

    string TenantByKey(string forUpdate) => $"SELECT {TenantColumns} FROM {_tenants} WHERE tenant_id = @key {forUpdate}";

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
        .With("@status", t.Status).With("@created_at", t.CreatedAt.ToUnixTimeMilliseconds())
        .With("@updated_at", t.UpdatedAt.ToUnixTimeMilliseconds()).With("@email_key", t.Email is null ? null : Api.FieldRules.EmailKey(t.Email));

    static TenantRecord ReadTenant(DbDataReader r) => new(r.GetGuid(0), r.GetString(1), r.GetNullableString(2), r.GetNullableGuid(3), r.GetString(4),
        At(r.GetInt64(5)), At(r.GetInt64(6)));

    static LeaseRecord ReadLease(DbDataReader r) => new(
        r.GetGuid(0), r.GetGuid(1), r.GetGuid(2), r.GetNullableGuid(3), r.GetNullableString(4), r.GetNullableString(5),
        NullableMoneyAt(r, 6), NullableMoneyAt(r, 8), DateAt(r, 10), DateAt(r, 11), r.GetString(12), r.GetInt32(13), NullableAt(r, 14),
        At(r.GetInt64(15)));
}
