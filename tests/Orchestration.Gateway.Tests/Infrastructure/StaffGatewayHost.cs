using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>
/// The Gateway wired exactly as its Program.cs wires it (endpoint storage and bus, webhooks, staff security, the same
/// middleware order), in this process (<see cref="InProcessEndpoint"/>) on a <see cref="TestDatabase"/> on PostgreSQL
/// or SQLite. Its clock is a <see cref="TestClock"/> and its logs are captured. Besides the Gateway's own routes it maps
/// <c>/api/probes/{policy}</c> (GET and POST), one per <see cref="GatewayPolicies"/> policy, standing in for the API
/// routes that require them, and <c>/api/probes/unmarked</c>, a route that names no policy at all.
/// </summary>
public sealed class StaffGatewayHost : IAsyncDisposable
{
    public const string AdminEmail = "admin@orchestration.test";
    public const string AdminPassword = "correct horse battery staple";

    /// <summary>Settings that make this host trust its callers' <c>X-Forwarded-*</c> headers, as behind a proxy on the loopback.</summary>
    public static Dictionary<string, string?> BehindProxy(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?> { ["Gateway:Proxies:KnownProxies:0"] = "127.0.0.1" };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
            settings[key] = value;
        return settings;
    }

    readonly InProcessEndpoint _endpoint;
    readonly List<HttpClient> _clients = [];

    StaffGatewayHost(InProcessEndpoint endpoint, TestClock clock, CapturedLogs logs)
    {
        _endpoint = endpoint;
        Clock = clock;
        Logs = logs;
    }

    public Uri BaseAddress => _endpoint.BaseAddress;
    public TestDatabase Database => _endpoint.Database;
    public TestClock Clock { get; }
    public CapturedLogs Logs { get; }
    public StaffDirectory Directory => _endpoint.Services.GetRequiredService<StaffDirectory>();

    /// <summary>Starts a Gateway on a database of its own, disposed with the host.</summary>
    public static Task<StaffGatewayHost> StartAsync(string provider, IDictionary<string, string?>? settings = null) =>
        StartAsync(TestDatabase.Create(provider, "gwsec"), settings, ownsDatabase: true);

    /// <summary>Starts a Gateway on a database the caller keeps, so that another Gateway can start on it later.</summary>
    public static Task<StaffGatewayHost> StartOnAsync(TestDatabase database, IDictionary<string, string?>? settings = null) =>
        StartAsync(database, settings, ownsDatabase: false);

    static async Task<StaffGatewayHost> StartAsync(TestDatabase database, IDictionary<string, string?>? settings, bool ownsDatabase)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Information",
            ["Logging:LogLevel:MassTransit"] = "Warning",
            ["Gateway:Webhooks:Payments:Secret"] = GatewayHost.PaymentsSecret,
            ["Gateway:Webhooks:ESignature:Secret"] = GatewayHost.ESignatureSecret,
            ["Gateway:Webhooks:Screening:Secret"] = GatewayHost.ScreeningSecret,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;

        var clock = new TestClock();
        var logs = new CapturedLogs();
        var endpoint = await InProcessEndpoint.StartAsync(new EndpointSetup
        {
            Name = "gateway",
            Database = database,
            OwnsDatabase = ownsDatabase,
            Settings = configuration,
            Clock = clock,
            // As src/Endpoints/Gateway/Program.cs.
            Services = builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
                builder.Services.AddGatewayWebhooks(builder.Configuration);
                builder.Services.AddGatewaySecurity(builder.Configuration);
                // The pipeline's output cache serves the API's OpenAPI document, which this host does not map.
                builder.Services.AddOutputCache();
            },
            Pipeline = app =>
            {
                app.UseGatewayPipeline();
                app.MapOrchestrationHealth();
                app.MapWebhooks();
                app.MapAuthApi();
                MapPolicyProbes(app);
            },
        });
        return new StaffGatewayHost(endpoint, clock, logs);
    }

    /// <summary>Every policy of <see cref="GatewayPolicies"/>, each with its probe route.</summary>
    public static readonly IReadOnlyList<string> Policies =
        [GatewayPolicies.Staff, GatewayPolicies.TenantContacts, GatewayPolicies.Leasing, GatewayPolicies.Operations, GatewayPolicies.Admin];

    static void MapPolicyProbes(IEndpointRouteBuilder endpoints)
    {
        foreach (var policy in Policies)
        {
            endpoints.MapGet($"/api/probes/{policy}", () => Results.Ok(new { policy })).RequireAuthorization(policy);
            endpoints.MapPost($"/api/probes/{policy}", () => Results.Ok(new { policy })).RequireAuthorization(policy);
        }
        endpoints.MapGet("/api/probes/unmarked", () => Results.Ok(new { policy = "none" }));
    }

    /// <summary>
    /// A client that keeps cookies, like the portal in a browser: it sends <c>X-Requested-With</c> unless told not to, and,
    /// given <paramref name="from"/>, <c>X-Forwarded-For</c> with that address, as a proxy in front of the Gateway would.
    /// </summary>
    public HttpClient Browser(bool antiForgeryHeader = true, string? from = null)
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        if (antiForgeryHeader)
            client.DefaultRequestHeaders.Add(CsrfProtection.HeaderName, "XMLHttpRequest");
        if (from is not null)
            client.DefaultRequestHeaders.Add("X-Forwarded-For", from);
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
    public Task<(HttpClient Browser, StaffUser User)> SignedInAsync(params string[] roles) => SignedInFromAsync(null, roles);

    /// <summary>As <see cref="SignedInAsync"/>, the browser coming through a proxy from <paramref name="from"/> (see <see cref="Browser"/>).</summary>
    public async Task<(HttpClient Browser, StaffUser User)> SignedInFromAsync(string? from, params string[] roles)
    {
        var email = $"{string.Join("-", roles.DefaultIfEmpty("nobody"))}-{Guid.NewGuid():N}"[..^24] + "@orchestration.test";
        var user = await SeedUserAsync(email, StaffCredentials.Password, roles);
        var browser = Browser(from: from);
        (await browser.LoginAsync(email, StaffCredentials.Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
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
        await _endpoint.DisposeAsync();
    }
}
