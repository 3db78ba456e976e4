using System.Data.Common;
using Dapper;

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
    public async Task InsertLeaseAsync(SqlSession session, LeaseRecord lease, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_leases} ({LeaseColumns})
            VALUES (@LeaseId, @PropertyId, @UnitId, @TenantId, @TenantName, @TenantEmail, @MonthlyRentAmount, @MonthlyRentCurrency,
                @SecurityDepositAmount, @SecurityDepositCurrency, @LeaseStart, @LeaseEnd, @State, @LastSequence, @SubmittedAt, @UpdatedAt)
            ON CONFLICT (lease_id) DO NOTHING
            """, LeaseRow.Of(lease), cancellationToken));

    public async Task SaveLeaseAsync(SqlSession session, LeaseRecord lease, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_leases} SET property_id = @PropertyId, unit_id = @UnitId, tenant_id = @TenantId, tenant_name = @TenantName,
                tenant_email = @TenantEmail, monthly_rent_amount = @MonthlyRentAmount, monthly_rent_currency = @MonthlyRentCurrency,
                security_deposit_amount = @SecurityDepositAmount, security_deposit_currency = @SecurityDepositCurrency,
                lease_start = @LeaseStart, lease_end = @LeaseEnd, state = @State, last_sequence = @LastSequence,
                submitted_at = @SubmittedAt, updated_at = @UpdatedAt
            WHERE lease_id = @LeaseId
            """, LeaseRow.Of(lease), cancellationToken));

    public Task<LeaseRecord?> FindLeaseAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken) =>
        LeaseAsync(session, leaseId, "", cancellationToken);

    public Task<LeaseRecord?> LockLeaseAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken) =>
        LeaseAsync(session, leaseId, _forUpdate, cancellationToken);

    /// <summary>
    /// The orders a list of leases is read in, by the name the API takes (a leading "-" reverses one): newest submitted
    /// first (the default), oldest first, by state, by start day. Ties keep the newest first, and the lease id last, so a
    /// page boundary never repeats or skips a lease.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Orders = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["newest"] = "COALESCE(submitted_at, updated_at) DESC",
        ["oldest"] = "COALESCE(submitted_at, updated_at)",
        ["state"] = "state, COALESCE(submitted_at, updated_at) DESC",
        ["-state"] = "state DESC, COALESCE(submitted_at, updated_at) DESC",
        ["lease-start"] = "lease_start, COALESCE(submitted_at, updated_at) DESC",
        ["-lease-start"] = "lease_start DESC, COALESCE(submitted_at, updated_at) DESC",
    };

    /// <summary>In <paramref name="order"/> (one of <see cref="Orders"/>, newest first by default); <paramref name="state"/> and <paramref name="propertyId"/> narrow the list when given.</summary>
    public async Task<Page<LeaseRecord>> ListLeasesAsync(SqlSession session, string? state, Guid? propertyId, string order, Paging paging,
        CancellationToken cancellationToken)
    {
        // One fixed statement per combination of filters keeps the SQL plain and every value a parameter.
        var where = (state, propertyId) switch
        {
            (null, null) => "",
            (not null, null) => "WHERE state = @state",
            (null, not null) => "WHERE property_id = @propertyId",
            _ => "WHERE state = @state AND property_id = @propertyId",
        };
        var page = await session.QueryPageAsync<LeaseRow>($"""
            SELECT {LeaseColumns} FROM {_leases} {where}
            ORDER BY {Orders[order]}, lease_id LIMIT @limit OFFSET @offset
            """, $"SELECT COUNT(*) FROM {_leases} {where}", new { state, propertyId }, paging, cancellationToken);
        return page.Select(row => row.Record);
    }

    public async Task<IReadOnlyList<LeaseRecord>> ListLeasesOfTenantAsync(SqlSession session, Guid tenantId, CancellationToken cancellationToken)
    {
        var rows = await session.Connection.QueryAsync<LeaseRow>(session.Command($"""
            SELECT {LeaseColumns} FROM {_leases} WHERE tenant_id = @tenantId ORDER BY COALESCE(submitted_at, updated_at) DESC, lease_id
            """, new { tenantId }, cancellationToken));
        return [.. rows.Select(row => row.Record)];
    }

    /// <summary>Records the step unless the lease's timeline already has its sequence number.</summary>
    public async Task AppendTimelineAsync(SqlSession session, Guid leaseId, TimelineEntry entry, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_timeline} (lease_id, sequence, state, step, occurred_at, detail)
            VALUES (@leaseId, @Sequence, @State, @Step, @OccurredAt, @Detail)
            ON CONFLICT (lease_id, sequence) DO NOTHING
            """, new { leaseId, entry.Sequence, entry.State, entry.Step, entry.OccurredAt, entry.Detail }, cancellationToken));

    public async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(SqlSession session, Guid leaseId, CancellationToken cancellationToken) =>
        [.. await session.Connection.QueryAsync<TimelineEntry>(session.Command($"""
            SELECT sequence, state, step, occurred_at, detail FROM {_timeline} WHERE lease_id = @leaseId ORDER BY sequence
            """, new { leaseId }, cancellationToken))];

    public Task<TenantRecord?> FindTenantAsync(SqlSession session, Guid tenantId, CancellationToken cancellationToken) =>
        TenantAsync(session, "tenant_id = @tenantId", new { tenantId }, "", cancellationToken);

    public Task<TenantRecord?> LockTenantAsync(SqlSession session, Guid tenantId, CancellationToken cancellationToken) =>
        TenantAsync(session, "tenant_id = @tenantId", new { tenantId }, _forUpdate, cancellationToken);

    /// <summary>
    /// The tenant this email address belongs to, compared without regard to letter case (<see cref="Api.FieldRules.EmailKey"/>),
    /// locked for the rest of the transaction.
    /// </summary>
    public Task<TenantRecord?> LockTenantByEmailAsync(SqlSession session, string email, CancellationToken cancellationToken) =>
        TenantAsync(session, "email_key = @emailKey", new { emailKey = Api.FieldRules.EmailKey(email) }, _forUpdate,
            cancellationToken);

    public Task<Page<TenantRecord>> ListTenantsAsync(SqlSession session, string? status, Paging paging, CancellationToken cancellationToken)
    {
        var where = status is null ? "" : "WHERE status = @status";
        return session.QueryPageAsync<TenantRecord>($"""
            SELECT {TenantColumns} FROM {_tenants} {where} ORDER BY name, tenant_id LIMIT @limit OFFSET @offset
            """, $"SELECT COUNT(*) FROM {_tenants} {where}", new { status }, paging, cancellationToken);
    }

    /// <summary>
    /// Adds the tenant, claiming their email address; false, and nothing added, when the id is known or the address
    /// already belongs to a tenant. Two transactions adding one address at once take turns here: the second finds the
    /// first's tenant once it commits.
    /// </summary>
    public async Task<bool> InsertTenantAsync(SqlSession session, TenantRecord tenant, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_tenants} ({TenantColumns}, email_key)
            VALUES (@TenantId, @Name, @Email, @CurrentLeaseId, @Status, @CreatedAt, @UpdatedAt, @EmailKey)
            ON CONFLICT DO NOTHING
            """, TenantParameters(tenant), cancellationToken)) == 1;

    /// <summary>Adds a tenant whose address another tenant already has: listed, but not found by that address.</summary>
    public async Task InsertTenantWithoutEmailKeyAsync(SqlSession session, TenantRecord tenant, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            INSERT INTO {_tenants} ({TenantColumns}) VALUES (@TenantId, @Name, @Email, @CurrentLeaseId, @Status, @CreatedAt, @UpdatedAt)
            ON CONFLICT DO NOTHING
            """, tenant, cancellationToken));

    /// <summary>Writes the tenant's status and current lease, as they follow the tenant's leases.</summary>
    public async Task SaveTenantStandingAsync(SqlSession session, TenantRecord tenant, CancellationToken cancellationToken) =>
        await session.Connection.ExecuteAsync(session.Command($"""
            UPDATE {_tenants} SET current_lease_id = @CurrentLeaseId, status = @Status, updated_at = @UpdatedAt WHERE tenant_id = @TenantId
            """, tenant, cancellationToken));

    /// <summary>
    /// Saves a staff member's change to a tenant's name or email. The email's unique key is written only when the email
    /// changes (a tenant left without one by older data keeps it so), and false means another tenant holds the new address
    /// (PostgreSQL: one that committed it while this transaction ran; the transaction can then only be rolled back).
    /// </summary>
    public async Task<bool> SaveTenantContactAsync(SqlSession session, TenantRecord tenant, bool emailChanged, CancellationToken cancellationToken)
    {
        var sql = emailChanged
            ? $"""
              UPDATE {_tenants} SET name = @Name, email = @Email, email_key = @EmailKey, updated_at = @UpdatedAt
              WHERE tenant_id = @TenantId AND NOT EXISTS (SELECT 1 FROM {_tenants} WHERE email_key = @EmailKey AND tenant_id <> @TenantId)
              """
            : $"UPDATE {_tenants} SET name = @Name, updated_at = @UpdatedAt WHERE tenant_id = @TenantId";
        try
        {
            return await session.Connection.ExecuteAsync(session.Command(sql, TenantParameters(tenant), cancellationToken)) == 1;
        }
        catch (DbException e) when (e.SqlState == "23505")
        {
            return false;
        }
    }

    async Task<LeaseRecord?> LeaseAsync(SqlSession session, Guid leaseId, string forUpdate, CancellationToken cancellationToken) =>
        (await session.Connection.QuerySingleOrDefaultAsync<LeaseRow>(session.Command(
            $"SELECT {LeaseColumns} FROM {_leases} WHERE lease_id = @leaseId {forUpdate}", new { leaseId }, cancellationToken)))?.Record;

    Task<TenantRecord?> TenantAsync(SqlSession session, string condition, object parameters, string forUpdate, CancellationToken cancellationToken) =>
        session.Connection.QuerySingleOrDefaultAsync<TenantRecord?>(session.Command(
            $"SELECT {TenantColumns} FROM {_tenants} WHERE {condition} {forUpdate}", parameters, cancellationToken));

    static object TenantParameters(TenantRecord t) => new
    {
        t.TenantId, t.Name, t.Email, t.CurrentLeaseId, t.Status, t.CreatedAt, t.UpdatedAt,
        EmailKey = t.Email is null ? null : Api.FieldRules.EmailKey(t.Email),
    };

    /// <summary>A row of <c>leases</c>, where each amount and its currency are columns of their own.</summary>
    sealed record LeaseRow(
        Guid LeaseId, Guid PropertyId, Guid UnitId, Guid? TenantId, string? TenantName, string? TenantEmail,
        decimal? MonthlyRentAmount, string? MonthlyRentCurrency, decimal? SecurityDepositAmount, string? SecurityDepositCurrency,
        DateOnly? LeaseStart, DateOnly? LeaseEnd, string State, int LastSequence, DateTimeOffset? SubmittedAt, DateTimeOffset UpdatedAt)
    {
        public LeaseRecord Record => new(LeaseId, PropertyId, UnitId, TenantId, TenantName, TenantEmail,
            SqlRows.MoneyOf(MonthlyRentAmount, MonthlyRentCurrency), SqlRows.MoneyOf(SecurityDepositAmount, SecurityDepositCurrency),
            LeaseStart, LeaseEnd, State, LastSequence, SubmittedAt, UpdatedAt);

        public static LeaseRow Of(LeaseRecord l) => new(l.LeaseId, l.PropertyId, l.UnitId, l.TenantId, l.TenantName, l.TenantEmail,
            l.MonthlyRent?.Amount, l.MonthlyRent?.Currency, l.SecurityDeposit?.Amount, l.SecurityDeposit?.Currency,
            l.LeaseStart, l.LeaseEnd, l.State, l.LastSequence, l.SubmittedAt, l.UpdatedAt);
    }
}
