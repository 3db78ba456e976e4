namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>
/// The Gateway wired as its Program.cs wires it (projections, webhooks, the staff API, staff security, the same pipeline
/// and routes), in this process on Kestrel (<see cref="InProcessEndpoint"/>), on the in-memory transport and a
/// <see cref="TestDatabase"/> on PostgreSQL or SQLite, with a bootstrap administrator and its logs captured. Nothing
/// consumes the lease-signing saga's queue, so what the API accepts stays in the Gateway's own tables for the test to read.
/// </summary>
public sealed class StaffApiHost : IAsyncDisposable
{
    public const string AdminEmail = "admin@staff-api.test";
    public const string AdminPassword = "a long enough admin password";

    /// <summary>The webhook secrets this host's providers sign with.</summary>
    public static readonly IReadOnlyDictionary<string, string> WebhookSecrets = new Dictionary<string, string>
    {
        ["Payments"] = "whsec_staff_api_tests", ["ESignature"] = "esign_staff_api_tests", ["Screening"] = "screening_staff_api_tests",
    };

    readonly InProcessEndpoint _endpoint;
    readonly List<HttpClient> _clients = [];
    HttpClient? _admin;

    StaffApiHost(InProcessEndpoint endpoint, CapturedLogs logs)
    {
        _endpoint = endpoint;
        Logs = logs;
    }

    public Uri BaseAddress => _endpoint.BaseAddress;
    public TestDatabase Database => _endpoint.Database;
    public CapturedLogs Logs { get; }
    public IServiceProvider Services => _endpoint.Services;

    public static Task<StaffApiHost> StartAsync(string provider) => StartAsync(TestDatabase.Create(provider, "gwinput"));

    /// <summary>On the given database, which the host owns and disposes.</summary>
    public static async Task<StaffApiHost> StartAsync(TestDatabase database)
    {
        var logs = new CapturedLogs();
        var endpoint = await InProcessEndpoint.StartAsync(new EndpointSetup
        {
            Name = "gateway",
            Database = database,
            Settings = new Dictionary<string, string?>
            {
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:MassTransit"] = "Warning",
                // The framework's own entries (a request started and finished, an endpoint executed) are four per request,
                // which the fuzz suite sends by the hundred thousand; the facts read the Gateway's entries and errors.
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",
                ["Gateway:Security:BootstrapAdmin:Email"] = AdminEmail,
                ["Gateway:Security:BootstrapAdmin:Password"] = AdminPassword,
                // Facts sign in many times a minute; throttling has tests of its own.
                ["Gateway:Security:LoginRateLimit:PerEmail"] = "100000",
                ["Gateway:Security:LoginRateLimit:PerAddress"] = "100000",
                ["Gateway:Webhooks:Payments:Secret"] = WebhookSecrets["Payments"],
                ["Gateway:Webhooks:ESignature:Secret"] = WebhookSecrets["ESignature"],
                ["Gateway:Webhooks:Screening:Secret"] = WebhookSecrets["Screening"],
                ["Gateway:Webhooks:RateLimit:PermitLimit"] = "1000000",
                [Orchestration.Messages.Maintenance.VendorSecretSeal.Setting] = $"vseal_{Guid.NewGuid():N}",
            },
            // As src/Endpoints/Gateway/Program.cs.
            Consumers = x => x.AddGatewayProjections(),
            Services = builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
                // Fuzzing signs in and sets passwords tens of thousands of times: the same PBKDF2 hashes, at a hundredth of the work.
                builder.Services.AddSingleton<Microsoft.AspNetCore.Identity.IPasswordHasher<StaffUser>>(new Microsoft.AspNetCore.Identity.PasswordHasher<StaffUser>(
                    Microsoft.Extensions.Options.Options.Create(new Microsoft.AspNetCore.Identity.PasswordHasherOptions { IterationCount = 1_000 })));
                builder.Services.AddGatewayWebhooks(builder.Configuration);
                builder.Services.AddGatewayApi(builder.Configuration);
                builder.Services.AddGatewaySecurity(builder.Configuration);
            },
            Pipeline = app =>
            {
                app.UseGatewayPipeline();
                app.MapGatewayEndpoints();
            },
        });
        return new StaffApiHost(endpoint, logs);
    }

    /// <summary>The bootstrap administrator, signed in with the session cookie (once, for every fact of the class).</summary>
    public async Task<HttpClient> SignInAsAdminAsync() => _admin ??= await SignInAsync(AdminEmail, AdminPassword);

    /// <summary>A new staff user with the given roles, created by the administrator through the users API, then signed in.</summary>
    public async Task<HttpClient> SignInAsNewStaffAsync(params string[] roles)
    {
        var admin = await SignInAsAdminAsync();
        var email = $"staff-{Guid.NewGuid():N}@staff-api.test";
        var password = $"pw-{Guid.NewGuid():N}";
        var created = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "Staff member", password, roles });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return await SignInAsync(email, password);
    }

    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = Client();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"signing in as {email}: {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>A client that keeps cookies and sends the CSRF header, as the portal does.</summary>
    public HttpClient Client()
    {
        // Header values go out as UTF-8, so a test can send what a careless client would.
        var client = new HttpClient(new SocketsHttpHandler
        {
            CookieContainer = new CookieContainer(), AllowAutoRedirect = false, RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8,
        }) { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Add("X-Requested-With", "XMLHttpRequest");
        _clients.Add(client);
        return client;
    }

    /// <summary>Publishes an event to the Gateway as Leasing would, and waits until the Gateway has handled and committed it.</summary>
    public async Task PublishAndWaitAsync(object message, string description)
    {
        var messageId = NewId.NextGuid();
        await _endpoint.Bus.Publish(message, message.GetType(), Pipe.Execute<PublishContext>(context => context.MessageId = messageId));
        await Eventually.HoldsAsync(async () => await CountAsync("SELECT COUNT(*) FROM {table:inbox_state} WHERE message_id = @id AND consumed IS NOT NULL",
            ("@id", messageId)) > 0, TimeSpan.FromSeconds(20), description);
    }

    /// <summary>A count from the Gateway's tables; <c>{table:name}</c> in <paramref name="sql"/> names one of them.</summary>
    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = await Database.Storage.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = System.Text.RegularExpressions.Regex.Replace(sql, @"\{table:([a-z_]+)\}", m => Database.Storage.Table(m.Groups[1].Value));
        foreach (var (name, value) in parameters)
            command.With(name, value);

        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A text from the Gateway's tables; <c>{table:name}</c> in <paramref name="sql"/> names one of them.</summary>
    public async Task<string> TextAsync(string sql)
    {
        await using var connection = await Database.Storage.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = System.Text.RegularExpressions.Regex.Replace(sql, @"\{table:([a-z_]+)\}", m => Database.Storage.Table(m.Groups[1].Value));
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) ?? "";
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        await _endpoint.DisposeAsync();
    }
}

/// <summary>
/// One Gateway on PostgreSQL and one on SQLite for all the facts of a test class; each fact makes its own properties,
/// units and tenants, and names the engine it runs on (<see cref="TestDatabase.Providers"/>).
/// </summary>
public sealed class StaffApiFixture : IAsyncLifetime
{
    readonly Dictionary<string, StaffApiHost> _hosts = [];

    public StaffApiHost this[string provider] => _hosts[provider];

    public async Task InitializeAsync()
    {
        foreach (var provider in new[] { TestDatabase.Postgres, TestDatabase.Sqlite })
            _hosts[provider] = await StaffApiHost.StartAsync(provider);
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts.Values)
            await host.DisposeAsync();
    }
}
