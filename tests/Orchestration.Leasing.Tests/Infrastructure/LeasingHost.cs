using Orchestration.Testing;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Endpoints.Leasing;
using Orchestration.Messages.Leasing;
using Orchestration.Platform.Hosting;
using Orchestration.Platform.Storage;
using Orchestration.Simulators.Hosting;

namespace Orchestration.Leasing.Tests.Infrastructure;

/// <summary>
/// The Leasing endpoint as its host builds it (AddOrchestrationEndpoint, inbox/outbox, recoverability) on the in-memory
/// transport and a SQLite file of its own, calling the real screening and e-signature simulators on free ports. A
/// probe queue records the events the consumers publish.
/// </summary>
public sealed class LeasingHost : IAsyncDisposable
{
    public const string ScreeningKey = "screening_test_simulator";
    public const string ESignatureKey = "esign_test_simulator";

    readonly WebApplication _app;
    readonly RunningSimulators _simulators;
    readonly string _database;
    readonly ConsumedMessages _consumed = new();

    LeasingHost(WebApplication app, RunningSimulators simulators, string database)
    {
        _app = app;
        _simulators = simulators;
        _database = database;
        app.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_consumed);
    }

    public RunningSimulators Simulators => _simulators;

    public PublishedEvents Published => _app.Services.GetRequiredService<PublishedEvents>();

    public IServiceProvider Services => _app.Services;

    public static async Task<LeasingHost> StartAsync()
    {
        var simulators = await SimulatorHost.StartAsync(new SimulatorOptions
        {
            Payments = { Enabled = false },
            Mail = { Enabled = false },
            ESignature = { Url = "http://127.0.0.1:0" },
            Screening = { Url = "http://127.0.0.1:0", DecisionDelay = TimeSpan.FromMilliseconds(100) },
        }, CancellationToken.None);

        var database = Path.Combine(Path.GetTempPath(), $"leasing-tests-{Guid.NewGuid():N}.db");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Test", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Storage:Provider"] = "Sqlite",
            ["Storage:ConnectionString"] = $"Data Source={database}",
            ["Storage:Schema"] = "leasing",
            ["Recoverability:ImmediateRetries"] = "0",
            ["Recoverability:DelayedRetries"] = "",
            ["Leasing:Screening:BaseUrl"] = simulators.Screening!.ToString(),
            ["Leasing:Screening:ApiKey"] = ScreeningKey,
            ["Leasing:ESignature:BaseUrl"] = simulators.ESignature!.ToString(),
            ["Leasing:ESignature:ApiKey"] = ESignatureKey,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        builder.Services.AddSingleton<PublishedEvents>();
        builder.Services.AddOrchestrationEndpoint(builder.Configuration, "leasing", x =>
        {
            x.AddLeasingConsumers();
            x.AddConsumer<PublishedEventsProbe>().Endpoint(e => e.Name = "leasing-tests-events");
        });
        builder.Services.AddLeasingServices(builder.Configuration);

        var app = builder.Build();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            await simulators.DisposeAsync();
            throw;
        }

        return new LeasingHost(app, simulators, database);
    }

    /// <summary>Sends the command to its queue and waits until the endpoint has finished with it: null when handled, else the exception.</summary>
    public async Task<Exception?> SendAsync<T>(T command, Guid? messageId = null)
        where T : class
    {
        var id = messageId ?? NewId.NextGuid();
        var handled = _consumed.Expect(id);
        var endpoint = await _app.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{Orchestration.Messages.CommandRoutes.Queues[typeof(T)]}"));
        await endpoint.Send(command, context => context.MessageId = id);
        return await handled.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>Reads the endpoint's tables through its own store, in a transaction that is rolled back.</summary>
    public async Task<T> ReadAsync<T>(Func<LeasingStore, SqlSession, CancellationToken, Task<T>> read)
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        await session.BeginAsync(CancellationToken.None);
        try
        {
            return await read(scope.ServiceProvider.GetRequiredService<LeasingStore>(), session, CancellationToken.None);
        }
        finally
        {
            await session.RollbackAsync();
        }
    }

    /// <summary>A client for a simulator's API (with its key) and test controls.</summary>
    public static HttpClient Client(Uri baseUrl, string apiKey) => new()
    {
        BaseAddress = baseUrl,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", apiKey) },
    };

    /// <summary>The webhook events of a type the simulator has raised that mention the text (a lease reference).</summary>
    public static async Task<List<JsonElement>> EventsAsync(HttpClient simulator, string type, string mentioning) =>
        (await simulator.GetFromJsonAsync<List<JsonElement>>($"_sim/webhooks/events?type={type}"))!
            .Where(e => e.GetProperty("payload").GetRawText().Contains(mentioning, StringComparison.Ordinal))
            .ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _simulators.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
            File.Delete(file);
    }
}

sealed class PublishedEventsProbe(PublishedEvents events) : IConsumer<LeaseDocumentPrepared>, IConsumer<TenantSignatureRequested>
{
    public Task Consume(ConsumeContext<LeaseDocumentPrepared> context)
    {
        events.Add(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<TenantSignatureRequested> context)
    {
        events.Add(context.Message);
        return Task.CompletedTask;
    }
}
