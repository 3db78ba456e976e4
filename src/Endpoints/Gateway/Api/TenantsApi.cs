using Microsoft.AspNetCore.Http.HttpResults;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>Tenants and applicants, as projected from their applications and leases.</summary>
static class TenantsApi
{
    /// <summary><c>/api/tenants</c>: read by the roles that deal with tenants; tenants are added by their applications.</summary>
    public static void Map(RouteGroupBuilder api)
    {
        var tenants = api.MapGroup("/tenants").WithTags("Tenants").RequireAuthorization(GatewayPolicies.TenantContacts);
        tenants.MapGet("/", ListAsync).WithName("ListTenants").WithSummary("Lists tenants and applicants by name (status, limit, offset).");
        tenants.MapGet("/{id:guid}", GetAsync).WithName("GetTenant").WithSummary("Gets a tenant with their leases.")
            .ProducesProblem(StatusCodes.Status404NotFound);
    }

    public static async Task<Results<Ok<Page<TenantRecord>>, ValidationProblem>> ListAsync(string? status, int? limit, int? offset, SqlSession session,
        LeaseReadModel store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (ApiProblems.Paging(limit, offset, errors) is not { } paging)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await session.ReadAsync(() => store.ListTenantsAsync(session, status, paging, cancellationToken), cancellationToken));
    }

    public static async Task<Results<Ok<TenantDetails>, ProblemHttpResult>> GetAsync(Guid id, SqlSession session, LeaseReadModel store,
        CancellationToken cancellationToken)
    {
        var details = await session.ReadAsync(async () =>
        {
            if (await store.FindTenantAsync(session, id, cancellationToken) is not { } tenant)
                return null;
            var leases = await store.ListLeasesOfTenantAsync(session, id, cancellationToken);
            return new TenantDetails(tenant.TenantId, tenant.Name, tenant.Email, tenant.Status, tenant.CurrentLeaseId, tenant.CreatedAt, tenant.UpdatedAt,
                leases.Select(lease => LeaseResponse.From(lease)).ToList());
        }, cancellationToken);
        return details is null ? ApiProblems.NotFound("Tenant", id) : TypedResults.Ok(details);
    }
}
