namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>
/// The Gateway wired as its Program.cs wires it, in this process (<see cref="InProcessEndpoint"/>), on the real RabbitMQ
/// (a virtual host of its own) and the real PostgreSQL (a schema of its own), with a bootstrap administrator. Nothing
/// consumes the lease-signing saga's queue here, so every command the API sends stays there for the test to read; a
/// client bus publishes Leasing's events as Leasing would.
/// </summary>
public sealed class GatewayApiHost : IAsyncDisposable
{
    public const string AdminEmail = "admin@gateway-api.test";

    readonly InProcessEndpoint _endpoint;
    readonly IBusControl _leasing;
    readonly List<HttpClient> _clients = [];
    readonly List<JsonElement> _commands = [];

    GatewayApiHost(InProcessEndpoint endpoint, IBusControl leasing, string virtualHost, string adminPassword)
    {
        _endpoint = endpoint;
        _leasing = leasing;
        VirtualHost = virtualHost;
        AdminPassword = adminPassword;
    }

    public Uri BaseAddress => _endpoint.BaseAddress;
    public IServiceProvider Services => _endpoint.Services;
    public string VirtualHost { get; }
    public string Schema => _endpoint.Database.Schema;
    public string AdminPassword { get; }

    /// <summary>The key this host seals vendors' signing secrets with; made up for the run.</summary>
    public static readonly string VendorSealingKey = $"vseal_{Guid.NewGuid():N}";

    public static async Task<GatewayApiHost> StartAsync()
    {
        var virtualHost = await TestServers.CreateVirtualHostAsync("gwapi");
        var adminPassword = NewPassword();
        var endpoint = await InProcessEndpoint.StartAsync(new EndpointSetup
        {
            Name = "gateway",
            Database = TestDatabase.OnPostgres("gwapi"),
            Settings = new Dictionary<string, string?>(TestServers.RabbitMqSettings(virtualHost))
            {
                ["Gateway:Security:BootstrapAdmin:Email"] = AdminEmail,
                ["Gateway:Security:BootstrapAdmin:Password"] = adminPassword,
                // The facts of a class sign in many times within a minute; throttling has tests of its own.
                ["Gateway:Security:LoginRateLimit:PerEmail"] = "1000",
                ["Gateway:Security:LoginRateLimit:PerAddress"] = "1000",
                ["Recoverability:DelayedRetries"] = "00:00:01, 00:00:01",
                ["Gateway:Webhooks:Payments:Secret"] = GatewayHost.PaymentsSecret,
                ["Gateway:Webhooks:ESignature:Secret"] = GatewayHost.ESignatureSecret,
                ["Gateway:Webhooks:Screening:Secret"] = GatewayHost.ScreeningSecret,
                [Orchestration.Messages.Maintenance.VendorSecretSeal.Setting] = VendorSealingKey,
            },
            // As src/Endpoints/Gateway/Program.cs.
            Consumers = x => x.AddGatewayProjections(),
            Services = builder =>
            {
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

        var leasing = await TestServers.StartClientBusAsync(virtualHost);
        return new GatewayApiHost(endpoint, leasing, virtualHost, adminPassword);
    }

    /// <summary>A client with no credentials at all.</summary>
    public HttpClient Anonymous() => Client();

    /// <summary>The bootstrap administrator, signed in with the session cookie (once, for every fact of the class).</summary>
    public async Task<HttpClient> SignInAsAdminAsync() => _admin ??= await SignInAsync(AdminEmail, AdminPassword);

    HttpClient? _admin;

    /// <summary>A new staff user with the given roles, created by the administrator through the users API, then signed in.</summary>
    public async Task<HttpClient> SignInAsNewStaffAsync(params string[] roles)
    {
        var admin = await SignInAsAdminAsync();
        var email = $"staff-{Guid.NewGuid():N}@gateway-api.test";
        var password = NewPassword();
        var created = await admin.PostAsJsonAsync("/api/users", new { email, displayName = "Staff member", password, roles });
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return await SignInAsync(email, password);
    }

    /// <summary>Signs in at <c>POST /api/auth/login</c>; the client keeps the cookie and sends the CSRF header on every request.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password)
    {
        var client = Client();
        var response = await client.PostAsJsonAsync("/api/auth/login", new { email, password });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"signing in as {email}: {await response.Content.ReadAsStringAsync()}");
        return client;
    }

    /// <summary>Publishes an event to the Gateway as Leasing would, under the given message id so a test can send the same copy again.</summary>
    public Task PublishAsync(object message, Guid? messageId = null) =>
        _leasing.Publish(message, message.GetType(), Pipe.Execute<PublishContext>(context => context.MessageId = messageId ?? NewId.NextGuid()));

    /// <summary>Waits until the Gateway has handled (and committed) the message with this id.</summary>
    public Task ConsumedAsync(Guid messageId, string description) =>
        Eventually.HoldsAsync(async () => await CountAsync("SELECT COUNT(*) FROM {schema}.inbox_state WHERE message_id = @id AND consumed IS NOT NULL",
            ("id", messageId)) > 0, TimeSpan.FromSeconds(20), description);

    /// <summary>
    /// Every command the Gateway has sent to the lease-signing saga's queue so far, as the JSON bodies MassTransit wrote,
    /// taken off the queue and kept here so later calls still see them.
    /// </summary>
    public async Task<IReadOnlyList<JsonElement>> CommandsToLeaseSigningAsync()
    {
        await using var connection = await TestServers.RabbitConnectionFactory(VirtualHost).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            while (await channel.BasicGetAsync(CommandRoutes.LeaseSigning, autoAck: true) is { } result)
            {
                using var envelope = JsonDocument.Parse(Encoding.UTF8.GetString(result.Body.Span));
                _commands.Add(envelope.RootElement.Clone());
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The queue does not exist yet: nothing was ever sent to it.
        }

        return [.. _commands];
    }

    /// <summary>The commands waiting on another endpoint's queue, taken off it: the messages inside MassTransit's envelopes.</summary>
    public async Task<IReadOnlyList<JsonElement>> TakeCommandsAsync(string queue)
    {
        await using var connection = await TestServers.RabbitConnectionFactory(VirtualHost).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var commands = new List<JsonElement>();
        try
        {
            while (await channel.BasicGetAsync(queue, autoAck: true) is { } result)
            {
                using var envelope = JsonDocument.Parse(Encoding.UTF8.GetString(result.Body.Span));
                commands.Add(envelope.RootElement.GetProperty("message").Clone());
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The queue does not exist yet: nothing was ever sent to it.
        }

        return commands;
    }

    /// <summary>The commands of one type (by its message type name, such as "SubmitLeaseApplication") for one lease.</summary>
    public async Task<IReadOnlyList<JsonElement>> CommandsForLeaseAsync(string type, Guid leaseId) =>
        [.. (await CommandsToLeaseSigningAsync())
            .Where(e => e.GetProperty("messageType").EnumerateArray().Any(t => t.GetString()!.EndsWith($":{type}", StringComparison.Ordinal)))
            .Select(e => e.GetProperty("message"))
            .Where(m => m.GetProperty("leaseId").GetGuid() == leaseId)];

    /// <summary>Waits for the first command of this type for the lease, then a little longer so that a second copy would have arrived too.</summary>
    public async Task<IReadOnlyList<JsonElement>> SettledCommandsForLeaseAsync(string type, Guid leaseId)
    {
        await Eventually.HoldsAsync(async () => (await CommandsForLeaseAsync(type, leaseId)).Count > 0, TimeSpan.FromSeconds(15),
            $"{type} for lease {leaseId} reached Leasing's queue");
        await Task.Delay(TimeSpan.FromSeconds(1));
        return await CommandsForLeaseAsync(type, leaseId);
    }

    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters) =>
        Convert.ToInt64(await TestServers.ScalarAsync(Schema, sql, parameters), System.Globalization.CultureInfo.InvariantCulture);

    HttpClient Client()
    {
        var client = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Add("X-Requested-With", "XMLHttpRequest");
        _clients.Add(client);
        return client;
    }

    static string NewPassword() => $"pw-{Guid.NewGuid():N}";

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients)
            client.Dispose();
        await _leasing.StopAsync();
        await _endpoint.DisposeAsync();
        await TestServers.DeleteVirtualHostAsync(VirtualHost);
    }
}
