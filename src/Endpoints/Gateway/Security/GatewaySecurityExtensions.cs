namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>
/// Staff authentication and authorization for the Gateway: a cookie for the portal, a bearer token for automation,
/// role-based policies (<see cref="GatewayPolicies"/>), and rate-limited sign-in.
/// </summary>
public static class GatewaySecurityExtensions
{
    public static IServiceCollection AddGatewaySecurity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAuthentication();
        services.AddAuthorizationBuilder()
            .AddPolicy(GatewayPolicies.Staff, p => p.RequireRole(GatewayRoles.All))
            .AddPolicy(GatewayPolicies.Leasing, p => p.RequireRole(GatewayRoles.Admin, GatewayRoles.PropertyManager))
            .AddPolicy(GatewayPolicies.Operations, p => p.RequireRole(GatewayRoles.Admin, GatewayRoles.Operator))
            .AddPolicy(GatewayPolicies.Admin, p => p.RequireRole(GatewayRoles.Admin));
        return services;
    }

    /// <summary>Authentication then authorization; call after <c>UseRouting</c> (implicit) and before mapping routes.</summary>
    public static IApplicationBuilder UseGatewaySecurity(this IApplicationBuilder app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    /// <summary><c>/api/auth/...</c>: sign in, sign out, who am I, API tokens.</summary>
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder endpoints) => endpoints;
}
