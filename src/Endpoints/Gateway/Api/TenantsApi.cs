using Microsoft.AspNetCore.Http.HttpResults;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>Tenants and applicants, as projected from their applications and leases.</summary>
static class TenantsApi
{
    /// <summary>
    /// <c>/api/tenants</c>: read by the roles that deal with tenants; tenants are added by their applications, and only
    /// the <c>leasing</c> policy changes a tenant's name or email address.
    /// </summary>
    public static void Map(RouteGroupBuilder api)
    {
        var tenants = api.MapGroup("/tenants").WithTags("Tenants").RequireAuthorization(GatewayPolicies.TenantContacts);
        tenants.MapGet("/", ListAsync).WithName("ListTenants")
            .WithSummary("Lists tenants and applicants by name (status: prospect, applicant, active or former; limit, offset).");
        tenants.MapGet("/{id:guid}", GetAsync).WithName("GetTenant").WithSummary("Gets a tenant with their leases.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        api.MapPatch("/tenants/{id:guid}", UpdateAsync).WithTags("Tenants").RequireAuthorization(GatewayPolicies.Leasing).WithName("UpdateTenant")
            .WithSummary("Changes a tenant's name or email address; applications that follow use them. Leases already made keep theirs.")
            .ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
    }

    public static async Task<Results<Ok<TenantRecord>, ValidationProblem, ProblemHttpResult>> UpdateAsync(Guid id, TenantUpdateRequest request,
        SqlSession session, LeaseReadModel store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = request.Validate();
        if (errors.Count > 0)
            return TypedResults.ValidationProblem(errors);

        await session.BeginAsync(cancellationToken);
        if (await store.LockTenantAsync(session, id, cancellationToken) is not { } tenant)
            return ApiProblems.NotFound("Tenant", id);
        if (request.Email is { } email && await store.LockTenantByEmailAsync(session, email.Trim(), cancellationToken) is { } holder && holder.TenantId != id)
            return ApiProblems.Conflict("Email address taken", $"Tenant {holder.TenantId} has this email address; one address is one tenant.");

        var changed = tenant with { Name = request.Name?.Trim() ?? tenant.Name, Email = request.Email?.Trim() ?? tenant.Email, UpdatedAt = time.GetUtcNow() };
        var emailChanged = !string.Equals(changed.Email, tenant.Email, StringComparison.Ordinal);
        if (!await store.SaveTenantContactAsync(session, changed, emailChanged, cancellationToken))
            return ApiProblems.Conflict("Email address taken", "Another tenant has this email address; one address is one tenant.");
        await session.CommitAsync(cancellationToken);
        return TypedResults.Ok(changed);
    }

    public static async Task<Results<Ok<Page<TenantRecord>>, ValidationProblem>> ListAsync(string? status, int? limit, int? offset, SqlSession session,
        LeaseReadModel store, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var paging = ApiProblems.Paging(limit, offset, errors);
        var known = ApiProblems.OneOf(errors, "status", status, TenantStatus.All);
        if (paging is null || errors.Count > 0)
            return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await session.ReadAsync(() => store.ListTenantsAsync(session, known, paging, cancellationToken), cancellationToken));
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

/// <summary>A tenant's new name or email address, or both; a field left out keeps its value.</summary>
public sealed record TenantUpdateRequest(string? Name, string? Email)
{
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (Name is null && Email is null)
            errors["name"] = ["Give the tenant's new name, email address, or both."];
        if (Name is not null)
            FieldRules.Text(errors, "name", Name, LeaseApplicationRequest.MaxNameLength, "The tenant's name");
        if (Email is not null)
            FieldRules.Email(errors, "email", Email);
        return errors;
    }
}
