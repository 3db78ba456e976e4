using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orchestration.Endpoints.Gateway;
using Orchestration.Endpoints.Gateway.Security;
using Orchestration.Platform.Hosting;

namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>
/// The Gateway wired exactly as its Program.cs wires it (endpoint storage and bus, webhooks, staff security, the same
/// middleware order), on Kestrel at a free loopback port, the in-memory transport, and a <see cref="GatewayDatabase"/>
/// on PostgreSQL or SQLite. Its clock is a <see cref="TestClock"/> and its logs are captured. Besides the Gateway's own
/// routes it maps <c>/api/probes/{policy}</c> (GET and POST), one per <see cref="GatewayPolicies"/> policy, standing in
/// for the API routes that require them.
/// </summary>
public sealed class StaffGatewayHost : IAsyncDisposable
{
    public const string AdminEmail = "admin@orchestration.test";
    public const string AdminPassword = "correct horse battery staple";

    readonly WebApplication _app;
    readonly GatewayDatabase? _ownedDatabase;
    readonly List<HttpClient> _clients = [];

    StaffGatewayHost(WebApplication app, GatewayDatabase database, GatewayDatabase? ownedDatabase, TestClock clock, CapturedLogs logs)
    {
        _app = app;
        Database = database;
        _ownedDatabase = ownedDatabase;
        Clock = clock;
        Logs = logs;
        BaseAddress = new Uri(app.Urls.First());
    }

    public Uri BaseAddress { get; }
    public GatewayDatabase Database { get; }
    public TestClock Clock { get; }
    public CapturedLogs Logs { get; }
    public StaffDirectory Directory => _app.Services.GetRequiredService<StaffDirectory>();

    /// <summary>Starts a Gateway on a database of its own, disposed with the host.</summary>
    public static async Task<StaffGatewayHost> StartAsync(string provider, IDictionary<string, string?>? settings = null)
    {
        var database = GatewayDatabase.Create(provider);
        try
        {
            return await StartAsync(database, settings, ownsDatabase: true);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts a Gateway on a database the caller keeps, so that another Gateway can start on it later.</summary>
    public static Task<StaffGatewayHost> StartOnAsync(GatewayDatabase database, IDictionary<string, string?>? settings = null) =>
        StartAsync(database, settings, ownsDatabase: false);

    static async Task<StaffGatewayHost> StartAsync(GatewayDatabase database, IDictionary<string, string?>? settings, bool ownsDatabase)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Test", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        var configuration = new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Storage:Provider"] = database.Provider,
            ["Storage:ConnectionString"] = database.ConnectionString,
            ["Storage:Schema"] = database.Schema,
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:MassTransit"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        var clock = new TestClock();
        var logs = new CapturedLogs();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddSingleton<TimeProvider>(clock);

        // As src/Endpoints/Gateway/Program.cs.
        builder.Services.AddOrchestrationEndpoint(builder.Configuration, "gateway", _ => { });
        builder.Services.AddGatewayWebhooks(builder.Configuration);
        builder.Services.AddGatewaySecurity(builder.Configuration);

        var app = builder.Build();
        app.UseRateLimiter();
        app.UseGatewaySecurity();
        app.MapOrchestrationHealth();
        app.MapWebhooks();
        app.MapAuthApi();
        MapPolicyProbes(app);

        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new StaffGatewayHost(app, database, ownsDatabase ? database : null, clock, logs);
    }

    static void MapPolicyProbes(IEndpointRouteBuilder endpoints)
    {
        foreach (var policy in new[] { GatewayPolicies.Staff, GatewayPolicies.Leasing, GatewayPolicies.Operations, GatewayPolicies.Admin })
        {
            endpoints.MapGet($"/api/probes/{policy}", () => Results.Ok(new { policy })).RequireAuthorization(policy);
            endpoints.MapPost($"/api/probes/{policy}", () => Results.Ok(new { policy })).RequireAuthorization(policy);
        }
    }

    /// <summary>A client that keeps cookies, like the portal in a browser: it sends <c>X-Requested-With</c> unless told not to.</summary>
    public HttpClient Browser(bool antiForgeryHeader = true)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        if (antiForgeryHeader)
            client.DefaultRequestHeaders.Add(CsrfProtection.HeaderName, "XMLHttpRequest");
        _clients.Add(client);
        return client;
    }

    /// <summary>A client without cookies, as automation calls the API; with <paramref name="token"/> as its bearer token.</summary>
    public HttpClient Client(string? token = null)
    {
        var client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        if (token is not null)
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _clients.Add(client);
        return client;
    }

    public Task<StaffUser> SeedUserAsync(string email, string password, params string[] roles) =>
        Directory.EnsureUserAsync(email, email.Split('@')[0], password, roles);

    /// <summary>A browser signed in as a new user with these roles (email and password made up for the test).</summary>
    public async Task<(HttpClient Browser, StaffUser User)> SignedInAsync(params string[] roles)
    {
        var email = $"{string.Join("-", roles.DefaultIfEmpty("nobody"))}-{Guid.NewGuid():N}"[..^24] + "@orchestration.test";
        const string password = "a long enough password";
        var user = await SeedUserAsync(email, password, roles);
        var browser = Browser();
        (await browser.LoginAsync(email, password)).StatusCode.ShouldBe(HttpStatusCode.OK);
        return (browser, user);
    }

    /// <summary>Issues an API token through the API, as the signed-in <paramref name="browser"/>.</summary>
    public static async Task<JsonElement> CreateTokenAsync(HttpClient browser, object request)
    {
        var response = await browser.PostAsJsonAsync("/api/auth/tokens", request);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownedDatabase is not null)
            await _ownedDatabase.DisposeAsync();
    }
}

public static class StaffHttp
{
    public static Task<HttpResponseMessage> LoginAsync(this HttpClient client, string email, string password) =>
        client.PostAsJsonAsync("/api/auth/login", new { email, password });

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts the status and a problem-details body that repeats it, and returns the body.</summary>
    public static async Task<JsonElement> ShouldBeProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", body);
        var problem = JsonDocument.Parse(body).RootElement;
        problem.GetProperty("status").GetInt32().ShouldBe((int)status);
        problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        return problem;
    }

    public static IReadOnlyList<string> Strings(this JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
