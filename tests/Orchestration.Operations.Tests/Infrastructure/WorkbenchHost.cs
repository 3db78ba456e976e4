using Orchestration.Messages;

namespace Orchestration.Operations.Tests.Infrastructure;

/// <summary>
/// The failed-message workbench as it runs: Operations (ingestion, commands, throttled retries) with a consumer the test
/// breaks and mends, and the Gateway (projection, API, staff security), each as its Program.cs wires it. Distributed: two
/// hosts on RabbitMQ (a virtual host of their own) and PostgreSQL (a schema each). Standalone: one host with both, on
/// the in-memory transport and one SQLite file.
/// </summary>
public sealed class WorkbenchHost : IAsyncDisposable
{
    public const string AdminEmail = "admin@workbench.test";
    public const string AdminPassword = "a long enough admin password";

    /// <summary>Retries per second in every workbench test.</summary>
    public const double RetryRate = 10;

    readonly List<HttpClient> _clients = [];
    readonly InProcessEndpoint? _operationsHost;
    HttpClient? _admin;

    WorkbenchHost(InProcessEndpoint gateway, InProcessEndpoint? operations)
    {
        Gateway = gateway;
        _operationsHost = operations;
    }

    public InProcessEndpoint Gateway { get; }
    public InProcessEndpoint Operations => _operationsHost ?? Gateway;
    public RentDesk Desk => Operations.Services.GetRequiredService<RentDesk>();
    public string? VirtualHost { get; private init; }

    static Dictionary<string, string?> Settings(IDictionary<string, string?> transport)
    {
        var settings = new Dictionary<string, string?>(transport)
        {
            ["Recoverability:ImmediateRetries"] = "0",
            ["Recoverability:DelayedRetries"] = "",
            ["Scheduler:Host"] = "true",
            ["Operations:Ingestion:PollInterval"] = "00:00:00.200",
            ["Operations:Ingestion:ManagementUrl"] = TestServers.RabbitManagement,
            ["Operations:Retry:MessagesPerSecond"] = RetryRate.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Operations:Retry:ResolveAfter"] = "00:00:01",
            ["Gateway:Security:BootstrapAdmin:Email"] = AdminEmail,
            ["Gateway:Security:BootstrapAdmin:Password"] = AdminPassword,
            ["Gateway:Webhooks:Payments:Secret"] = "whsec_workbench_tests",
            ["Gateway:Webhooks:ESignature:Secret"] = "esign_workbench_tests",
            ["Gateway:Webhooks:Screening:Secret"] = "screening_workbench_tests",
        };
        return settings;
    }

    static void OperationsConsumers(IBusRegistrationConfigurator x)
    {
        x.AddFailedMessageConsumers();
        x.AddConsumer<ChargeTestRentConsumer>().Endpoint(e => e.Name = RentDesk.Queue);
    }

    static void OperationsServices(WebApplicationBuilder builder)
    {
        builder.Services.AddFailedMessages(builder.Configuration);
        builder.Services.AddSingleton<RentDesk>();
    }

    /// <summary>Operations and the Gateway as two hosts on RabbitMQ and PostgreSQL.</summary>
    public static async Task<WorkbenchHost> DistributedAsync(string name)
    {
        var vhost = await TestServers.CreateVirtualHostAsync(name);
        var settings = Settings(TestServers.RabbitMqSettings(vhost));
        var operations = await InProcessEndpoint.StartAsync(new EndpointSetup
        {
            Name = "operations", Database = TestDatabase.OnPostgres("ops"), Settings = settings,
            Consumers = OperationsConsumers, Services = OperationsServices,
        });
        try
        {
            var gateway = await InProcessEndpoint.StartAsync(new EndpointSetup
            {
                Name = "gateway", Database = TestDatabase.OnPostgres("gw"), Settings = settings,
                Consumers = x => x.AddGatewayProjections(), Services = GatewayWiring.Services, Pipeline = GatewayWiring.Pipeline,
            });
            return new WorkbenchHost(gateway, operations) { VirtualHost = vhost };
        }
        catch
        {
            await operations.DisposeAsync();
            throw;
        }
    }

    /// <summary>Operations and the Gateway in one host on the in-memory transport and SQLite, as the standalone mode runs them.</summary>
    public static async Task<WorkbenchHost> StandaloneAsync() =>
        new(await InProcessEndpoint.StartAsync(new EndpointSetup
        {
            Name = "standalone", Settings = Settings(new Dictionary<string, string?> { ["Bus:Transport"] = "InMemory" }),
            Consumers = x =>
            {
                OperationsConsumers(x);
                x.AddGatewayProjections();
            },
            Services = builder =>
            {
                OperationsServices(builder);
                GatewayWiring.Services(builder);
            },
            Pipeline = GatewayWiring.Pipeline,
        }), null);

    /// <summary>Sends rent charges to the consumer, as Billing would.</summary>
    public async Task ChargeAsync(IEnumerable<Guid> chargeIds, string tenant = "tenant")
    {
        var endpoint = await Operations.Bus.GetSendEndpoint(new Uri($"queue:{RentDesk.Queue}"));
        foreach (var chargeId in chargeIds)
            await endpoint.Send(new ChargeTestRent { ChargeId = chargeId, Tenant = tenant });
    }

    public async Task<HttpClient> SignInAsAdminAsync() => _admin ??= await SignInAsync(AdminEmail, AdminPassword);

    /// <summary>A new staff user with the given roles, created by the administrator, signed in; the email is the audit's "who".</summary>
    public async Task<(HttpClient Client, string Email)> SignInAsNewStaffAsync(params string[] roles)
    {
        var admin = await SignInAsAdminAsync();
        var email = $"staff-{Guid.NewGuid():N}@workbench.test";
        var password = $"pw-{Guid.NewGuid():N}";
        var created = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "Operator", password, roles });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await SignInAsync(email, password), email);
    }

    async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false })
        {
            BaseAddress = Gateway.BaseAddress,
        };
        client.DefaultRequestHeaders.Add("X-Requested-With", "XMLHttpRequest");
        _clients.Add(client);
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return client;
    }

    /// <summary>The Gateway's answer as JSON, after checking its status.</summary>
    public static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>
    /// Waits until the Gateway lists a failed message for each charge (found by full-text search for the charge id in the
    /// bodies), and returns them by charge.
    /// </summary>
    public static async Task<Dictionary<Guid, JsonElement>> FailedAsync(HttpClient staff, IReadOnlyList<Guid> chargeIds, string? status = null)
    {
        var found = new Dictionary<Guid, JsonElement>();
        await Eventually.HoldsAsync(async () =>
        {
            foreach (var chargeId in chargeIds.Where(id => !found.ContainsKey(id)))
            {
                var page = await JsonAsync(await staff.GetAsync($"/api/operations/failed-messages?q={chargeId}"));
                if (page.GetProperty("items").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } item
                    && (status is null || item.GetProperty("status").GetString() == status))
                    found[chargeId] = item;
            }

            return found.Count == chargeIds.Count;
        }, TimeSpan.FromSeconds(20), $"the Gateway lists the failure of each of {chargeIds.Count} charges{(status is null ? "" : " as " + status)}");
        return found;
    }

    /// <summary>The default groups (exception type and stack trace) holding failures of <typeparamref name="TException"/>.</summary>
    public static async Task<JsonElement?> GroupOfAsync<TException>(HttpClient staff)
        where TException : Exception
    {
        var groups = await JsonAsync(await staff.GetAsync("/api/operations/groups"));
        return groups.EnumerateArray().Where(g => g.GetProperty("title").GetString() == typeof(TException).FullName)
            .Select(g => (JsonElement?)g).FirstOrDefault();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        await Gateway.DisposeAsync();
        if (_operationsHost is not null)
            await _operationsHost.DisposeAsync();
        if (VirtualHost is not null)
            await TestServers.DeleteVirtualHostAsync(VirtualHost);
    }
}

public sealed class DistributedWorkbench() : HostFixture<WorkbenchHost>(() => WorkbenchHost.DistributedAsync("ops"));

public sealed class StandaloneWorkbench() : HostFixture<WorkbenchHost>(WorkbenchHost.StandaloneAsync);
