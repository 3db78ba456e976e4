namespace Orchestration.Endpoints.Gateway.ReadModels;

/// <summary>
/// Brings a lease's unit and tenant in line with the lease, for the application the Gateway accepts and for every
/// event projected afterwards alike: the unit's occupancy follows the lease's state (<see cref="UnitOccupancy.Following"/>)
/// and the tenant's status is derived again from all their leases (<see cref="TenantStatus.From"/>). Rows are taken
/// unit then tenant, after the lease, in every writer, so two transactions never wait for each other in a circle.
/// </summary>
public sealed class LeaseFollowUp(PropertyStore properties, LeaseReadModel leases)
{
    /// <param name="contact">
    /// The tenant's name and email as the application gave them, used only to add a tenant the Gateway has not heard of;
    /// a known tenant's details change only through staff (<c>PATCH /api/tenants/{id}</c>). Null when the event carries none.
    /// </param>
    public async Task ApplyAsync(SqlSession session, LeaseRecord lease, (string Name, string? Email)? contact, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        // A lease for a unit the Gateway does not list has no occupancy to keep here.
        if (await properties.LockUnitAsync(session, lease.UnitId, cancellationToken) is { } unit && unit.Following(lease) is var following && following != unit)
            await properties.SaveUnitOccupancyAsync(session, following, cancellationToken);

        if (lease.TenantId is { } tenantId)
            await RefreshTenantAsync(session, tenantId, contact, now, cancellationToken);
    }

    async Task RefreshTenantAsync(SqlSession session, Guid tenantId, (string Name, string? Email)? contact, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var known = await leases.LockTenantAsync(session, tenantId, cancellationToken);
        if (known is null)
        {
            // Only the application names the tenant; until it arrives there is nobody to list.
            if (contact is not { } first)
                return;
            var tenant = new TenantRecord(tenantId, first.Name, first.Email, null, TenantStatus.Prospect, now, now);
            // An address another tenant already has stays theirs: this one is listed, but not found by it.
            if (!await leases.InsertTenantAsync(session, tenant, cancellationToken))
                await leases.InsertTenantWithoutEmailKeyAsync(session, tenant, cancellationToken);
            known = await leases.LockTenantAsync(session, tenantId, cancellationToken)
                ?? throw new InvalidOperationException($"Tenant {tenantId} vanished while it was being added.");
        }

        var (status, currentLease) = TenantStatus.From(await leases.ListLeasesOfTenantAsync(session, tenantId, cancellationToken));
        var refreshed = known with { Status = status, CurrentLeaseId = currentLease };
        if (refreshed != known)
            await leases.SaveTenantStandingAsync(session, refreshed with { UpdatedAt = now }, cancellationToken);
    }
}
