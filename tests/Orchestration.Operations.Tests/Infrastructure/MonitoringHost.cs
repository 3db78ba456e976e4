using Orchestration.Endpoints.Operations.Monitoring;

namespace Orchestration.Operations.Tests.Infrastructure;

/// <summary>A piece of work a test holds at a gate, so messages wait in their queue while the gate is shut.</summary>
public sealed record MonitoredWork
{
    public required Guid WorkId { get; init; }
}

/// <summary>
/// The gate <see cref="MonitoredWorkConsumer"/> waits at, and the work it let through. On SQLite a handler waiting in its
/// transaction holds the database's one write lock, so there the gate holds each message for <see cref="HoldAtMost"/> only.
/// </summary>
public sealed class WorkGate
{
    public const string Queue = "tests-monitored-work";

    public TimeSpan HoldAtMost { get; set; } = Timeout.InfiniteTimeSpan;

    TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int Done;

    public Task Opened => _open.Task;

    public void Open() => _open.TrySetResult();

    public void Shut()
    {
        if (_open.Task.IsCompleted)
            _open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}

public sealed class MonitoredWorkConsumer(WorkGate gate) : IConsumer<MonitoredWork>
{
    public async Task Consume(ConsumeContext<MonitoredWork> context)
    {
        await Task.WhenAny(gate.Opened, Task.Delay(gate.HoldAtMost, context.CancellationToken));
        Interlocked.Increment(ref gate.Done);
    }
}

/// <summary>
/// Operations watching itself (a heartbeat every second, queue lengths sampled every half second, alert rules measured every
/// 300 ms) with a consumer behind a gate, and the Gateway serving the monitoring and alerts API from its projections. Distributed: two hosts on RabbitMQ (a virtual
/// host of their own) and PostgreSQL. Standalone: one host on the in-memory transport and SQLite.
/// </summary>
public sealed class MonitoringHost : IAsyncDisposable
{
    public const string AdminEmail = "admin@monitoring.test";
    public const string AdminPassword = "a long enough admin password";

    readonly InProcessEndpoint? _operationsHost;
    readonly List<HttpClient> _clients = [];
    HttpClient? _admin;

    MonitoringHost(InProcessEndpoint gateway, InProcessEndpoint? operations, string? vhost)
    {
        Gateway = gateway;
        _operationsHost = operations;
        VirtualHost = vhost;
    }

    public InProcessEndpoint Gateway { get; }
    public InProcessEndpoint Operations => _operationsHost ?? Gateway;
    public string? VirtualHost { get; }
    public WorkGate Gate => Operations.Services.GetRequiredService<WorkGate>();

    /// <summary>The endpoint name the Operations host beats as.</summary>
    public string OperationsEndpoint => _operationsHost is null ? "standalone" : "operations";

    static Dictionary<string, string?> Settings(IDictionary<string, string?> transport, IDictionary<string, string?>? extra) =>
        new(transport.Concat(extra ?? new Dictionary<string, string?>()))
        {
            ["Recoverability:ImmediateRetries"] = "0",
            ["Recoverability:DelayedRetries"] = "",
            ["Scheduler:Host"] = "true",
            ["Heartbeats:Interval"] = "00:00:01",
            ["Operations:Monitoring:QueueLengthInterval"] = "00:00:00.500",
            ["Operations:Monitoring:ManagementUrl"] = TestServers.RabbitManagement,
            ["Operations:Ingestion:ManagementUrl"] = TestServers.RabbitManagement,
            ["Alerts:EvaluateEvery"] = "00:00:00.300",
            ["Alerts:DeliverEvery"] = "00:00:00.200",
            ["Alerts:WebhookBackoff"] = "00:00:00.200",
            ["Gateway:Security:BootstrapAdmin:Email"] = AdminEmail,
            ["Gateway:Security:BootstrapAdmin:Password"] = AdminPassword,
            ["Gateway:Webhooks:Payments:Secret"] = "whsec_monitoring_tests",
            ["Gateway:Webhooks:ESignature:Secret"] = "esign_monitoring_tests",
            ["Gateway:Webhooks:Screening:Secret"] = "screening_monitoring_tests",
        };

    static void OperationsConsumers(IBusRegistrationConfigurator x)
    {
        x.AddOperationsMonitoringConsumers();
        x.AddConsumer<MonitoredWorkConsumer>().Endpoint(e => e.Name = WorkGate.Queue);
    }

    static void OperationsServices(WebApplicationBuilder builder)
    {
        builder.Services.AddOperationsMonitoring(builder.Configuration);
        builder.Services.AddSingleton<WorkGate>();
    }

    /// <summary>Operations and the Gateway as two hosts on RabbitMQ and PostgreSQL.</summary>
    public static async Task<MonitoringHost> DistributedAsync(IDictionary<string, string?>? extra = null)
    {
        var vhost = await TestServers.CreateVirtualHostAsync("mon");
        var settings = Settings(TestServers.RabbitMqSettings(vhost), extra);
        var operations = await InProcessEndpoint.StartAsync(new EndpointSetup
        {
            Name = "operations", Database = TestDatabase.OnPostgres("opsmon"), Settings = settings,
            Consumers = OperationsConsumers, Services = OperationsServices,
        });
        try
        {
            var gateway = await InProcessEndpoint.StartAsync(new EndpointSetup
            {
                Name = "gateway", Database = TestDatabase.OnPostgres("gwmon"), Settings = settings,
                Consumers = x => x.AddGatewayProjections(), Services = GatewayWiring.Services, Pipeline = GatewayWiring.Pipeline,
            });
            return new MonitoringHost(gateway, operations, vhost);
        }
        catch
        {
            await operations.DisposeAsync();
            await TestServers.DeleteVirtualHostAsync(vhost);
            throw;
        }
    }

    /// <summary>Operations and the Gateway in one host on the in-memory transport and SQLite, as the standalone mode runs them.</summary>
    public static async Task<MonitoringHost> StandaloneAsync(IDictionary<string, string?>? extra = null) =>
        new(await InProcessEndpoint.StartAsync(new EndpointSetup
        {
            Name = "standalone", Settings = Settings(new Dictionary<string, string?> { ["Bus:Transport"] = "InMemory" }, extra),
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
        }), null, null);

    /// <summary>Sends work to the gated consumer.</summary>
    public async Task SendWorkAsync(int count)
    {
        var endpoint = await Operations.Bus.GetSendEndpoint(new Uri($"queue:{WorkGate.Queue}"));
        for (var i = 0; i < count; i++)
            await endpoint.Send(new MonitoredWork { WorkId = Guid.NewGuid() });
    }

    public async Task<HttpClient> SignInAsAdminAsync() => _admin ??= await SignInAsync(AdminEmail, AdminPassword);

    /// <summary>A new staff user with the given roles, created by the administrator, signed in.</summary>
    public async Task<HttpClient> SignInAsNewStaffAsync(params string[] roles)
    {
        var admin = await SignInAsAdminAsync();
        var email = $"staff-{Guid.NewGuid():N}@monitoring.test";
        var password = $"pw-{Guid.NewGuid():N}";
        var created = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "Staff", password, roles });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return await SignInAsync(email, password);
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

    public async ValueTask DisposeAsync()
    {
        Gate.Open();
        foreach (var client in _clients)
            client.Dispose();
        await Gateway.DisposeAsync();
        if (_operationsHost is not null)
            await _operationsHost.DisposeAsync();
        if (VirtualHost is not null)
            await TestServers.DeleteVirtualHostAsync(VirtualHost);
    }
}

public sealed class DistributedMonitoring() : HostFixture<MonitoringHost>(() => MonitoringHost.DistributedAsync());

public sealed class StandaloneMonitoring() : HostFixture<MonitoringHost>(() => MonitoringHost.StandaloneAsync());

/// <summary>The monitoring and alert tests on RabbitMQ and PostgreSQL share one pair of hosts.</summary>
[CollectionDefinition(Name)]
public sealed class DistributedMonitoringCollection : ICollectionFixture<DistributedMonitoring>
{
    public const string Name = "distributed monitoring";
}

/// <summary>The monitoring and alert tests of the standalone mode share one host.</summary>
[CollectionDefinition(Name)]
public sealed class StandaloneMonitoringCollection : ICollectionFixture<StandaloneMonitoring>
{
    public const string Name = "standalone monitoring";
}
