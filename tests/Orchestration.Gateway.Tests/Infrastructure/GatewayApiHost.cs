using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orchestration.Endpoints.Gateway;
using Orchestration.Endpoints.Gateway.Security;
using Orchestration.Messages;
using Orchestration.Platform.Hosting;
using Orchestration.Testing;
using RabbitMQ.Client;

namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>
/// The Gateway wired as its Program.cs wires it, on Kestrel at a free loopback port, on the real RabbitMQ (a virtual
/// host of its own) and the real PostgreSQL (a schema of its own), with a bootstrap administrator. Nothing consumes the
/// lease-signing saga's queue here, so every command the API sends stays there for the test to read; a client bus
/// publishes Leasing's events as Leasing would.
/// </summary>
public sealed class GatewayApiHost : IAsyncDisposable
{
    public const string AdminEmail = "admin@gateway-api.test";

    readonly WebApplication _app;
    readonly IBusControl _leasing;
    readonly List<HttpClient> _clients = [];
    readonly List<JsonElement> _commands = [];

    GatewayApiHost(WebApplication app, IBusControl leasing, string virtualHost, string schema, string adminPassword)
    {
        _app = app;
        _leasing = leasing;
        VirtualHost = virtualHost;
        Schema = schema;
        AdminPassword = adminPassword;
        BaseAddress = new Uri(app.Urls.First());
    }

    public Uri BaseAddress { get; }
    public string VirtualHost { get; }
    public string Schema { get; }
    public string AdminPassword { get; }

    public static async Task<GatewayApiHost> StartAsync()
    {
        var virtualHost = await TestServers.CreateVirtualHostAsync("gwapi");
        var schema = TestServers.NewSchema("gwapi");
        var adminPassword = NewPassword();

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Test", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "RabbitMq",
            ["Bus:RabbitMq:Host"] = TestServers.RabbitHost,
            ["Bus:RabbitMq:Port"] = TestServers.RabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Bus:RabbitMq:VirtualHost"] = virtualHost,
            ["Bus:RabbitMq:Username"] = TestServers.RabbitUser,
            ["Bus:RabbitMq:Password"] = TestServers.RabbitPassword,
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = TestServers.PostgresConnectionString,
            ["Storage:Schema"] = schema,
            ["Gateway:Security:BootstrapAdmin:Email"] = AdminEmail,
            ["Gateway:Security:BootstrapAdmin:Password"] = adminPassword,
            // The facts of a class sign in many times within a minute; throttling has tests of its own.
            ["Gateway:Security:LoginRateLimit:PerEmail"] = "1000",
            ["Gateway:Security:LoginRateLimit:PerAddress"] = "1000",
            ["Recoverability:DelayedRetries"] = "00:00:01, 00:00:01",
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        // As src/Endpoints/Gateway/Program.cs.
        builder.Services.AddGatewayEndpoint(builder.Configuration);

        var app = builder.Build();
        app.UseGatewayPipeline();
        app.MapGatewayEndpoints();
        await app.StartAsync();

        var leasing = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(TestServers.RabbitHost, TestServers.RabbitPort, virtualHost, h =>
        {
            h.Username(TestServers.RabbitUser);
            h.Password(TestServers.RabbitPassword);
        }));
        await leasing.StartAsync();
        return new GatewayApiHost(app, leasing, virtualHost, schema, adminPassword);
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
        var factory = new ConnectionFactory
        {
            HostName = TestServers.RabbitHost,
            Port = TestServers.RabbitPort,
            VirtualHost = VirtualHost,
            UserName = TestServers.RabbitUser,
            Password = TestServers.RabbitPassword,
        };
        await using var connection = await factory.CreateConnectionAsync();
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

    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(TestServers.PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql.Replace("{schema}", $"\"{Schema}\"", StringComparison.Ordinal), connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

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
        await _app.StopAsync();
        await _app.DisposeAsync();
        await TestServers.DeleteVirtualHostAsync(VirtualHost);
        await TestServers.DropSchemaAsync(Schema);
    }
}
