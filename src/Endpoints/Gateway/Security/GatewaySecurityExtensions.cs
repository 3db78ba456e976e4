using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>
/// Staff authentication and authorization for the Gateway: a cookie for the portal, a bearer token for automation,
/// role-based policies (<see cref="GatewayPolicies"/>), and rate-limited sign-in.
/// <list type="bullet">
/// <item>Schemes: <see cref="StaffAuthentication.Scheme"/> (default) sends a request with an <c>Authorization</c> header to the
/// bearer scheme (<see cref="ApiTokenAuthenticationHandler"/>) and any other to the cookie (HttpOnly, SameSite=Lax, Secure
/// when the request is HTTPS, sliding expiry of <see cref="GatewaySecurityOptions.CookieLifetime"/>).</item>
/// <item>Unauthenticated: 401, insufficient roles: 403, both with a problem body, never a redirect.</item>
/// <item>CSRF: cookie-authenticated POST/PUT/PATCH/DELETE under <c>/api</c> need the <c>X-Requested-With</c> header
/// (<see cref="CsrfProtection"/>); bearer requests are exempt.</item>
/// <item>Other bodiless errors under <c>/api</c> (unknown route, wrong method, unreadable JSON, wrong content type) also get a problem body.</item>
/// </list>
/// </summary>
public static class GatewaySecurityExtensions
{
    /// <summary>
    /// Options from <c>Gateway:Security</c>, the users and API token tables, the schemes and policies, the sign-in
    /// throttle and the bootstrap administrator. Call after <c>AddOrchestrationEndpoint</c>, whose migrations must run
    /// before the bootstrap administrator is written.
    /// </summary>
    public static IServiceCollection AddGatewaySecurity(this IServiceCollection services, IConfiguration configuration)
    {
        if (!services.Any(s => s.ServiceType == typeof(IHostedService) && s.ImplementationType == typeof(SchemaMigrator)))
            throw new InvalidOperationException("Call AddOrchestrationEndpoint before AddGatewaySecurity: the staff tables must exist before the bootstrap administrator is created.");

        services.AddProblemDetails();
        services.AddOptions<GatewaySecurityOptions>()
            .Bind(configuration.GetSection(GatewaySecurityOptions.Section))
            .Validate(o => o.CookieLifetime > TimeSpan.Zero, "Gateway:Security:CookieLifetime must be positive.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.CookieName), "Gateway:Security:CookieName is required.")
            .Validate(o => o.TokenMaxLifetime >= TimeSpan.FromDays(1) && o.TokenMaxLifetime <= TimeSpan.FromDays(3650),
                "Gateway:Security:TokenMaxLifetime must be between one day and ten years.")
            .Validate(o => o.LoginRateLimit.PerEmail > 0 && o.LoginRateLimit.PerAddress > 0 && o.LoginRateLimit.Window > TimeSpan.Zero,
                "Gateway:Security:LoginRateLimit needs positive PerEmail, PerAddress and Window.")
            .ValidateOnStart();

        services.AddSingleton(SecurityMigrations.Users);
        services.AddSingleton(SecurityMigrations.ApiTokens);
        services.AddSingleton<StaffDirectory>();
        services.AddSingleton<ApiTokenStore>();
        services.AddSingleton<LoginThrottle>();
        services.AddScoped<StaffCookieEvents>();
        services.AddHostedService<BootstrapAdministrator>();

        services.AddAuthentication(StaffAuthentication.Scheme)
            .AddPolicyScheme(StaffAuthentication.Scheme, "Staff cookie or API token", o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? StaffAuthentication.TokenScheme : StaffAuthentication.CookieScheme)
            .AddCookie(StaffAuthentication.CookieScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(StaffAuthentication.TokenScheme, null);

        services.AddOptions<CookieAuthenticationOptions>(StaffAuthentication.CookieScheme)
            .Configure<IOptions<GatewaySecurityOptions>, TimeProvider>((cookie, security, time) =>
            {
                cookie.Cookie.Name = security.Value.CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                cookie.ExpireTimeSpan = security.Value.CookieLifetime;
                cookie.SlidingExpiration = true;
                cookie.EventsType = typeof(StaffCookieEvents);
                cookie.TimeProvider = time;
            });
        services.AddOptions<AuthenticationSchemeOptions>(StaffAuthentication.TokenScheme)
            .Configure<TimeProvider>((token, time) => token.TimeProvider = time);

        services.AddAuthorizationBuilder()
            .AddPolicy(GatewayPolicies.Staff, p => p.RequireRole(GatewayRoles.All))
            .AddPolicy(GatewayPolicies.Leasing, p => p.RequireRole(GatewayRoles.Admin, GatewayRoles.PropertyManager))
            .AddPolicy(GatewayPolicies.Operations, p => p.RequireRole(GatewayRoles.Admin, GatewayRoles.Operator))
            .AddPolicy(GatewayPolicies.Admin, p => p.RequireRole(GatewayRoles.Admin));
        return services;
    }

    /// <summary>
    /// Problem bodies for bare error statuses under <c>/api</c>, authentication, the CSRF check, then authorization; call
    /// after <c>UseRouting</c> (implicit) and before mapping routes.
    /// </summary>
    public static IApplicationBuilder UseGatewaySecurity(this IApplicationBuilder app)
    {
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase), api => api.UseStatusCodePages());
        app.UseAuthentication();
        app.UseMiddleware<CsrfProtection>();
        app.UseAuthorization();
        return app;
    }

    /// <summary><c>/api/auth/...</c>: sign in, sign out, who am I, password, API tokens; and <c>/api/users/...</c> for admins.</summary>
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder endpoints)
    {
        AuthApi.Map(endpoints);
        UsersApi.Map(endpoints);
        return endpoints;
    }
}
