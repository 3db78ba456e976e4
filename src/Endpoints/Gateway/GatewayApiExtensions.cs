using MassTransit;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Orchestration.Endpoints.Gateway.Api;
using Orchestration.Endpoints.Gateway.Properties;
using Orchestration.Endpoints.Gateway.ReadModels;
using Orchestration.Endpoints.Gateway.Security;
using Orchestration.Platform.Outbox;

namespace Orchestration.Endpoints.Gateway;

/// <summary>
/// The Gateway's REST API and the read models behind it, for its own host and for the standalone host alike:
/// <c>services.AddGatewayApi(configuration)</c>, <c>x.AddGatewayProjections()</c> inside <c>AddOrchestrationEndpoint</c>,
/// and <c>app.MapGatewayApi()</c> after <c>UseGatewaySecurity</c>.
/// </summary>
public static class GatewayApiExtensions
{
    /// <summary>The queue on which the Gateway projects Leasing's events into its read models.</summary>
    public const string ProjectionQueue = "gateway-lease-projection";

    public static IServiceCollection AddGatewayApi(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddProblemDetails();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<GatewayApiOptions>().Bind(configuration.GetSection(GatewayApiOptions.Section));
        services.AddSingleton(ReadModelMigrations.Tables);
        services.AddSingleton<PropertyStore>();
        services.AddSingleton<LeaseReadModel>();
        services.AddSingleton<IdempotencyKeys>();
        services.AddSingleton<LeaseFollowUp>();
        // Every effect of a projection is in its transaction, so a duplicate copy that loses the race simply rolls back.
        services.ClaimInboxAtCommit<LeaseProjectionConsumer>();
        services.AddHostedService<IdempotencyKeyCleanup>();
        services.AddGatewayOpenApi();
        return services;
    }

    /// <summary>The consumer that keeps leases, their timelines, tenants and unit occupancy in step with Leasing's events.</summary>
    public static IBusRegistrationConfigurator AddGatewayProjections(this IBusRegistrationConfigurator x)
    {
        x.AddConsumer<LeaseProjectionConsumer>().Endpoint(e => e.Name = ProjectionQueue);
        return x;
    }

    /// <summary><c>/api/properties</c>, <c>/api/units</c>, <c>/api/tenants</c>, <c>/api/lease-applications</c>, <c>/api/leases</c> and <c>/openapi/v1.json</c>.</summary>
    public static IEndpointRouteBuilder MapGatewayApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi().AllowAnonymous();
        var api = endpoints.MapGroup("/api");

        var properties = api.MapGroup("/properties").WithTags("Properties");
        properties.MapGet("/", PropertiesApi.ListAsync)
            .WithName("ListProperties").WithSummary("Lists properties by name (limit, offset).")
            .RequireAuthorization(GatewayPolicies.Staff);
        properties.MapGet("/{id:guid}", PropertiesApi.GetAsync)
            .WithName("GetProperty").WithSummary("Gets a property.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(GatewayPolicies.Staff);
        properties.MapPost("/", PropertiesApi.CreateAsync)
            .WithName("CreateProperty").WithSummary("Adds a property; 201 with its Location.")
            .RequireAuthorization(GatewayPolicies.Leasing);
        properties.MapPut("/{id:guid}", PropertiesApi.UpdateAsync)
            .WithName("UpdateProperty").WithSummary("Replaces a property's name and address.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(GatewayPolicies.Leasing);

        var units = api.MapGroup("").WithTags("Units");
        units.MapGet("/properties/{id:guid}/units", PropertiesApi.ListUnitsAsync)
            .WithName("ListUnits").WithSummary("Lists a property's units by label.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(GatewayPolicies.Staff);
        units.MapPost("/properties/{id:guid}/units", PropertiesApi.AddUnitAsync)
            .WithName("AddUnit").WithSummary("Adds a vacant unit to a property; 201 with its Location.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(GatewayPolicies.Leasing);
        units.MapGet("/units/{id:guid}", PropertiesApi.GetUnitAsync)
            .WithName("GetUnit").WithSummary("Gets a unit with its occupancy (vacant, held or leased) and the lease behind it.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(GatewayPolicies.Staff);

        var tenants = api.MapGroup("/tenants").WithTags("Tenants");
        tenants.MapGet("/", TenantsApi.ListAsync)
            .WithName("ListTenants").WithSummary("Lists tenants and applicants by name (status, limit, offset).")
            .RequireAuthorization(GatewayPolicies.Staff);
        tenants.MapGet("/{id:guid}", TenantsApi.GetAsync)
            .WithName("GetTenant").WithSummary("Gets a tenant with their leases.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(GatewayPolicies.Staff);

        var leases = api.MapGroup("").WithTags("Leases");
        leases.MapPost("/lease-applications", LeasesApi.SubmitApplicationAsync)
            .WithName("SubmitLeaseApplication").WithSummary("Applies for a vacant unit and starts lease signing; 202 with the lease id and Location.")
            .WithDescription($"Send an `{LeasesApi.IdempotencyKeyHeader}` header to make retries safe: a retry with the same key and body answers " +
                             "with the same lease and creates nothing; the same key with a different body is refused with 422. A unit that does not " +
                             "exist, belongs to another property or is not vacant is refused with 409.")
            .ProducesProblem(StatusCodes.Status409Conflict).ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .RequireAuthorization(GatewayPolicies.Leasing);
        leases.MapGet("/leases", LeasesApi.ListAsync)
            .WithName("ListLeases").WithSummary("Lists leases, newest first (state, propertyId, limit, offset).")
            .RequireAuthorization(GatewayPolicies.Staff);
        leases.MapGet("/leases/{id:guid}", LeasesApi.GetAsync)
            .WithName("GetLease").WithSummary("Gets a lease with its state and timeline.")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .RequireAuthorization(GatewayPolicies.Staff);
        leases.MapPost("/leases/{id:guid}/cancel", LeasesApi.CancelAsync)
            .WithName("CancelLease").WithSummary("Withdraws a lease that is not active yet; 202, and the saga undoes what was done so far.")
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict)
            .RequireAuthorization(GatewayPolicies.Leasing);

        return endpoints;
    }
}
