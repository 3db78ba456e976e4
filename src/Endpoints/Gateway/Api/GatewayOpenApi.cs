using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Orchestration.Endpoints.Gateway.Api;

/// <summary>
/// The OpenAPI document at <c>/openapi/v1.json</c>: every route with its name, tag and answers, and how staff sign in —
/// the session cookie from <c>POST /api/auth/login</c> or a bearer token from <c>POST /api/auth/tokens</c>. Routes that
/// require a policy say which, and list 401 and 403.
/// </summary>
static class GatewayOpenApi
{
    public const string CookieScheme = "cookie";
    public const string BearerScheme = "bearer";

    public static IServiceCollection AddGatewayOpenApi(this IServiceCollection services) => services.AddOpenApi(options =>
    {
        options.AddDocumentTransformer(DescribeDocumentAsync);
        options.AddOperationTransformer(DescribeAuthorization);
    });

    static async Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info = new OpenApiInfo
        {
            Title = "Orchestration Gateway API",
            Version = "v1",
            Description = "Properties, units, tenants, lease applications and leases for back-office staff and automation. " +
                          "Errors are problem details (RFC 9457); invalid input answers 400 with an `errors` object keyed by field.",
        };

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[CookieScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = await CookieNameAsync(context.ApplicationServices),
            Description = "The staff session cookie set by POST /api/auth/login. Requests other than GET, HEAD and OPTIONS made with it must also " +
                          "send the header X-Requested-With: XMLHttpRequest.",
        };
        document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "An API token issued by POST /api/auth/tokens, sent as Authorization: Bearer <token>.",
        };
    }

    static Task DescribeAuthorization(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
            return Task.CompletedTask;
        var policies = metadata.OfType<IAuthorizeData>().Select(a => a.Policy).OfType<string>().Distinct().ToList();
        if (policies.Count == 0)
            return Task.CompletedTask;

        // Either credential will do: two requirements are alternatives.
        operation.Security ??= [];
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(CookieScheme, context.Document)] = [] });
        operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });

        var requirement = $"Requires a signed-in staff member allowed by the {string.Join(" and ", policies.Select(p => $"`{p}`"))} policy.";
        operation.Description = string.IsNullOrEmpty(operation.Description) ? requirement : $"{operation.Description}\n\n{requirement}";
        operation.Responses ??= new OpenApiResponses();
        operation.Responses.TryAdd("401", new OpenApiResponse { Description = "Not signed in." });
        operation.Responses.TryAdd("403", new OpenApiResponse { Description = "Signed in without a role the policy allows." });
        return Task.CompletedTask;
    }

    // The name the sign-in actually uses, when a cookie scheme is registered.
    static async Task<string> CookieNameAsync(IServiceProvider services)
    {
        if (services.GetService<IAuthenticationSchemeProvider>() is { } schemes && services.GetService<IOptionsMonitor<CookieAuthenticationOptions>>() is { } cookies)
        {
            foreach (var scheme in await schemes.GetAllSchemesAsync())
            {
                if (typeof(CookieAuthenticationHandler).IsAssignableFrom(scheme.HandlerType) && cookies.Get(scheme.Name).Cookie.Name is { Length: > 0 } name)
                    return name;
            }
        }

        return $"{CookieAuthenticationDefaults.CookiePrefix}{CookieAuthenticationDefaults.AuthenticationScheme}";
    }
}

/// <summary>
/// The OpenAPI document is the same for every caller and costs tens of milliseconds to build, and the route is open to
/// anyone: one copy is kept for a few minutes, whoever asks, so asking again cannot be used to load the Gateway. Only a
/// 200 is kept; an unknown document name is built (and refused) each time.
/// </summary>
sealed class OpenApiDocumentCachePolicy : Microsoft.AspNetCore.OutputCaching.IOutputCachePolicy
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    public ValueTask CacheRequestAsync(Microsoft.AspNetCore.OutputCaching.OutputCacheContext context, CancellationToken cancellation)
    {
        context.EnableOutputCaching = true;
        context.AllowCacheLookup = HttpMethods.IsGet(context.HttpContext.Request.Method);
        context.AllowCacheStorage = context.AllowCacheLookup;
        context.AllowLocking = true;
        context.ResponseExpirationTimeSpan = Lifetime;
        return ValueTask.CompletedTask;
    }

    public ValueTask ServeFromCacheAsync(Microsoft.AspNetCore.OutputCaching.OutputCacheContext context, CancellationToken cancellation) =>
        ValueTask.CompletedTask;

    public ValueTask ServeResponseAsync(Microsoft.AspNetCore.OutputCaching.OutputCacheContext context, CancellationToken cancellation)
    {
        if (context.HttpContext.Response.StatusCode != StatusCodes.Status200OK)
            context.AllowCacheStorage = false;
        return ValueTask.CompletedTask;
    }
}
