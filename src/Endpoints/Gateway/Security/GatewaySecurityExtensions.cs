using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Orchestration.Endpoints.Gateway.Security;

/// <summary>
/// Staff authentication and authorization for the Gateway: a cookie for the portal, a bearer token for automation,
/// role-based policies (<see cref="GatewayPolicies"/>), and rate-limited sign-in.
/// <list type="bullet">
/// <item>Schemes: <see cref="StaffAuthentication.Scheme"/> (default) sends a request with an <c>Authorization</c> header to the
/// bearer scheme (<see cref="ApiTokenAuthenticationHandler"/>) and any other to the cookie (HttpOnly, SameSite=Lax, Secure
/// when the request is HTTPS, also through a known proxy, sliding expiry of <see cref="GatewaySecurityOptions.CookieLifetime"/>,
/// a server-side session (<see cref="StaffSessions"/>) that ends at logout or after <see cref="GatewaySecurityOptions.SessionMaxLifetime"/>).</item>
/// <item>Cookie keys: the data-protection key ring is in the database (<see cref="DataProtectionKeyRing"/>), shared by every instance.</item>
/// <item>Proxies: <c>X-Forwarded-For</c>/<c>-Proto</c> are believed only from <see cref="GatewayProxyOptions"/>.</item>
/// <item>Unauthenticated: 401, insufficient roles: 403, both with a problem body, never a redirect. A route that names no
/// policy and is not marked anonymous needs a signed-in staff member with a role (the fallback policy).</item>
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
            .Validate(o => o.SessionMaxLifetime > TimeSpan.Zero, "Gateway:Security:SessionMaxLifetime must be positive.")
            .Validate(o => o.MaxConcurrentPasswordChecks > 0, "Gateway:Security:MaxConcurrentPasswordChecks must be positive.")
            .Validate(o => o.LoginRateLimit is { PerEmail: > 0, PerAddress: > 0, PerEmailAndAddress: > 0, MaxTrackedKeys: > 0 }
                    && o.LoginRateLimit.Window > TimeSpan.Zero && o.LoginRateLimit.EmailWindow > TimeSpan.Zero
                    && o.LoginRateLimit.FirstDelay > TimeSpan.Zero && o.LoginRateLimit.MaxDelay >= o.LoginRateLimit.FirstDelay,
                "Gateway:Security:LoginRateLimit needs positive counts and windows, and MaxDelay at least FirstDelay.")
            .ValidateOnStart();

        services.AddSingleton(SecurityMigrations.Users);
        services.AddSingleton(SecurityMigrations.ApiTokens);
        services.AddSingleton(SecurityMigrations.Sessions);
        services.AddSingleton(SecurityMigrations.DataProtectionKeys);
        services.TryAddSingleton<IPasswordHasher<StaffUser>>(StaffDirectory.DefaultHasher);
        services.AddSingleton<StaffDirectory>();
        services.AddSingleton<StaffSessions>();
        services.AddSingleton<ApiTokenStore>();
        services.AddSingleton<LoginThrottle>();
        services.AddScoped<StaffCookieEvents>();
        services.AddHostedService<BootstrapAdministrator>();

        services.AddGatewayProxies(configuration);
        services.AddSingleton<DataProtectionKeyRing>();
        services.AddDataProtection().SetApplicationName("orchestration-gateway");
        services.AddOptions<KeyManagementOptions>().Configure<DataProtectionKeyRing>((keys, ring) => keys.XmlRepository = ring);

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
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireRole(GatewayRoles.All).Build())
            .AddPolicy(GatewayPolicies.Staff, p => p.RequireRole(GatewayRoles.All))
            .AddPolicy(GatewayPolicies.TenantContacts, p => p.RequireRole(GatewayRoles.Admin, GatewayRoles.PropertyManager, GatewayRoles.Accountant))
            .AddPolicy(GatewayPolicies.Leasing, p => p.RequireRole(GatewayRoles.Admin, GatewayRoles.PropertyManager))
            .AddPolicy(GatewayPolicies.Rent, p => p.RequireRole(GatewayRoles.Admin, GatewayRoles.Accountant, GatewayRoles.PropertyManager))
            .AddPolicy(GatewayPolicies.Operations, p => p.RequireRole(GatewayRoles.Admin, GatewayRoles.Operator))
            .AddPolicy(GatewayPolicies.Admin, p => p.RequireRole(GatewayRoles.Admin));
        return services;
    }

    /// <summary>
    /// <c>X-Forwarded-For</c> and <c>X-Forwarded-Proto</c> from the proxies in <c>Gateway:Proxies</c> only; with none
    /// configured both are ignored. <c>app.UseForwardedHeaders()</c> then applies them first in the pipeline.
    /// </summary>
    static IServiceCollection AddGatewayProxies(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<GatewayProxyOptions>()
            .Bind(configuration.GetSection(GatewayProxyOptions.Section))
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)), "Gateway:Proxies:KnownProxies must be IP addresses.")
            .Validate(o => o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)), "Gateway:Proxies:KnownNetworks must be CIDR networks such as 10.0.0.0/24.")
            .Validate(o => o.ForwardLimit > 0, "Gateway:Proxies:ForwardLimit must be positive.")
            .ValidateOnStart();
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<GatewayProxyOptions>>((forwarded, proxies) =>
        {
            // With both lists empty the middleware would believe any peer, so no proxy configured means no header read at all.
            var any = proxies.Value.KnownProxies.Length + proxies.Value.KnownNetworks.Length > 0;
            forwarded.ForwardedHeaders = any ? ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto : ForwardedHeaders.None;
            forwarded.ForwardLimit = proxies.Value.ForwardLimit;
            // The framework trusts the loopback by default; the Gateway trusts only what is configured.
            forwarded.KnownProxies.Clear();
            forwarded.KnownIPNetworks.Clear();
            foreach (var proxy in proxies.Value.KnownProxies)
                forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
            foreach (var network in proxies.Value.KnownNetworks)
                forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
        });
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
