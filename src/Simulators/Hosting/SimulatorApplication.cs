using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Orchestration.Simulators.Hosting;

/// <summary>One simulator as a minimal Kestrel application listening on a loopback address only.</summary>
internal static class SimulatorApplication
{
    public static async Task<StartedSimulator> StartAsync(
        string name,
        string url,
        SimulatorRuntime runtime,
        Action<IServiceCollection> addServices,
        Action<WebApplication> map,
        CancellationToken cancellationToken)
    {
        var endpoint = LoopbackEndpoint(name, url);

        // The empty builder reads no appsettings, environment or command line: a simulator started inside another
        // host must not pick up that host's URLs, environment or middleware conventions.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(SimulatorHost).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(endpoint));
        builder.Services.AddRoutingCore();
        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        builder.Services.AddSingleton(runtime.TimeProvider);
        if (runtime.LoggerFactory is not null)
            builder.Services.AddSingleton(runtime.LoggerFactory);
        builder.Services.AddSingleton<BackgroundWork>();
        addServices(builder.Services);

        var app = builder.Build();
        map(app);
        await app.StartAsync(cancellationToken);

        var baseUrl = BoundAddress(app);
        app.Logger.LogInformation("{Simulator} simulator listening on {Url}", name, baseUrl);
        return new StartedSimulator(name, baseUrl, app);
    }

    static IPEndPoint LoopbackEndpoint(string name, string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
            throw new InvalidOperationException($"Simulators:{name}:Url must be an absolute http URL, not '{url}'.");

        // The simulators accept made-up keys and expose test controls without authentication: loopback only.
        var address = uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns
            ? IPAddress.Loopback
            : IPAddress.TryParse(uri.Host.Trim('[', ']'), out var parsed) && IPAddress.IsLoopback(parsed) ? parsed : null;
        return address is null
            ? throw new InvalidOperationException($"Simulators:{name}:Url must be a loopback address (127.0.0.1, [::1] or localhost), not '{uri.Host}'.")
            : new IPEndPoint(address, uri.Port);
    }

    // Reads the port Kestrel actually bound, which differs from the configured one when that one is 0.
    static Uri BoundAddress(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        return new Uri(addresses.First());
    }
}
