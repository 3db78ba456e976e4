using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Hosting.StaticWebAssets;
using MudBlazor.Services;

namespace Orchestration.Endpoints.Gateway.Portal;

/// <summary>
/// The staff portal at <c>/</c>: Blazor components rendered interactively on the server, with MudBlazor. Every read and
/// every action of a page goes through the staff API from the browser, with the user's own sign-in cookie and the
/// anti-forgery header (<see cref="PortalApi"/>), so the API's policies decide what a user may do; the navigation only
/// hides what the user's roles could not use anyway.
/// </summary>
public static class PortalExtensions
{
    /// <summary>
    /// The largest message the browser may send over the portal's connection. An API answer travels that way from
    /// <c>portal.js</c> to the page (a page of 200 items, an endpoint's monitoring history of 120 points); SignalR's
    /// default of 32 KB would close the connection on such an answer.
    /// </summary>
    public const long MaxReceiveMessageSize = 4 * 1024 * 1024;

    /// <summary>Razor components with interactive server rendering, the components' services and the anti-forgery service.</summary>
    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddRazorComponents().AddInteractiveServerComponents().AddHubOptions(hub => hub.MaximumReceiveMessageSize = MaxReceiveMessageSize);
        services.AddCascadingAuthenticationState();
        services.AddMudServices();
        services.AddScoped<PortalApi>();
        return services;
    }

    /// <summary>
    /// Anti-forgery for the component endpoints (they ask for it); after authentication and authorization. A host that
    /// serves the pipeline without the staff API (and so without the portal) has neither the service nor pages that need it.
    /// </summary>
    public static IApplicationBuilder UsePortal(this IApplicationBuilder app) =>
        app.ApplicationServices.GetService<IAntiforgery>() is null ? app : app.UseAntiforgery();

    /// <summary>
    /// The pages, the Blazor hub and the static assets (the Blazor script, MudBlazor's styles and scripts, the portal's
    /// own script). They are open to anyone: a page signs nobody in and shows no data by itself; its data comes from the
    /// API, which checks every request. A host without the static assets manifest (a test host that only calls the API)
    /// maps the pages without assets.
    /// </summary>
    public static IEndpointRouteBuilder MapPortal(this IEndpointRouteBuilder endpoints)
    {
        var environment = endpoints.ServiceProvider.GetRequiredService<IWebHostEnvironment>();
        // Run from a build rather than a publish, the assets are still in their projects and packages, where the runtime
        // manifest points; the host reads it by itself only in Development, and `dotnet run` starts in Production.
        if (!environment.IsDevelopment())
            StaticWebAssetsLoader.UseStaticWebAssets(environment, endpoints.ServiceProvider.GetRequiredService<IConfiguration>());
        if (File.Exists(Path.Combine(AppContext.BaseDirectory, $"{environment.ApplicationName}.staticwebassets.endpoints.json")))
            endpoints.MapStaticAssets().AllowAnonymous().WithMetadata(PortalEndpoint.Instance);
        endpoints.MapRazorComponents<App>().AddInteractiveServerRenderMode().AllowAnonymous().WithMetadata(PortalEndpoint.Instance);
        return endpoints;
    }
}

/// <summary>Marks the portal's endpoints (pages, hub, static assets), which the API's route checks leave aside.</summary>
public sealed class PortalEndpoint
{
    public static readonly PortalEndpoint Instance = new();

    PortalEndpoint()
    {
    }
}
