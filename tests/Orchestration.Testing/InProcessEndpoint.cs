using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Messages;
using Orchestration.Platform.Hosting;
using Orchestration.Platform.Storage;

namespace Orchestration.Testing;

/// <summary>
/// One endpoint of the solution built in the test's process as its Program.cs builds it (AddOrchestrationEndpoint:
/// storage and migrations, inbox/outbox, recoverability), on Kestrel at a free loopback port, on the in-memory transport
/// unless the settings say otherwise, and on a <see cref="TestDatabase"/>. A test sends it commands and waits until they
/// are handled, reads its tables, and sees the events it published as a subscriber would.
/// </summary>
public sealed class InProcessEndpoint : IAsyncDisposable
{
    readonly WebApplication _app;
    readonly EndpointSetup _setup;
    readonly ConsumedMessages _consumed = new();

    InProcessEndpoint(WebApplication app, EndpointSetup setup, TestDatabase database)
    {
        _app = app;
        _setup = setup;
        Database = database;
        BaseAddress = new Uri(app.Urls.First());
        Http = new HttpClient { BaseAddress = BaseAddress };
        Bus.ConnectConsumeObserver(_consumed);
    }

    public IServiceProvider Services => _app.Services;
    public IBus Bus => _app.Services.GetRequiredService<IBus>();
    public TestDatabase Database { get; }
    public Uri BaseAddress { get; }

    /// <summary>A client for the endpoint's own HTTP routes.</summary>
    public HttpClient Http { get; }

    /// <summary>The events of <see cref="EndpointSetup.Records"/> types received so far.</summary>
    public PublishedEvents Published => _app.Services.GetRequiredService<PublishedEvents>();

    public static async Task<InProcessEndpoint> StartAsync(EndpointSetup setup)
    {
        var database = setup.Database ?? TestDatabase.OnSqlite(setup.Name);
        WebApplication? app = null;
        try
        {
            app = Build(setup, database);
            await app.StartAsync();
            // The host's start does not wait for the bus: until every receive endpoint has bound its queue, an event
            // published by a test would reach an exchange with nothing bound to it and be dropped.
            var health = await app.Services.GetRequiredService<IBusControl>().WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(60));
            if (health != BusHealthStatus.Healthy)
                throw new InvalidOperationException($"The {setup.Name} endpoint's bus is {health} 60 s after the host started.");
            return new InProcessEndpoint(app, setup, database);
        }
        catch
        {
            if (app is not null)
                await app.DisposeAsync();
            if (setup.OwnsDatabase)
                await database.DisposeAsync();
            throw;
        }
    }

    static WebApplication Build(EndpointSetup setup, TestDatabase database)
    {
        var builder = WebApplication.CreateBuilder(
            new WebApplicationOptions { EnvironmentName = "Test", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        var configuration = new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Storage:Provider"] = database.Provider,
            ["Storage:ConnectionString"] = database.ConnectionString,
            ["Storage:Schema"] = database.Schema,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in setup.Settings)
            configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        // Before the platform's defaults, which add the system clock only when there is none.
        if (setup.Clock is { } clock)
            builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton<PublishedEvents>();
        builder.Services.AddOrchestrationEndpoint(builder.Configuration, setup.Name, x =>
        {
            setup.Consumers(x);
            foreach (var type in setup.Records)
                x.AddConsumer(typeof(EventRecorder<>).MakeGenericType(type)).Endpoint(e => e.Name = $"{setup.Name}-tests-events");
        });
        setup.Services(builder);

        var app = builder.Build();
        setup.Pipeline(app);
        return app;
    }

    /// <summary>Sends the command to its queue and waits until the endpoint has finished with it: null when handled, else the exception.</summary>
    public async Task<Exception?> SendAsync<T>(T command, Guid? messageId = null)
        where T : class
    {
        var id = messageId ?? NewId.NextGuid();
        var queue = CommandRoutes.Queues[typeof(T)];
        var handled = _consumed.Expect(id, queue);
        var endpoint = await Bus.GetSendEndpoint(new Uri($"queue:{queue}"));
        await endpoint.Send(command, context => context.MessageId = id);
        return await handled.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>Reads the endpoint's tables through its own store, in a transaction that is rolled back.</summary>
    public async Task<T> ReadAsync<TStore, T>(Func<TStore, SqlSession, CancellationToken, Task<T>> read)
        where TStore : notnull
    {
        await using var scope = _app.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        await session.BeginAsync(CancellationToken.None);
        try
        {
            return await read(scope.ServiceProvider.GetRequiredService<TStore>(), session, CancellationToken.None);
        }
        finally
        {
            await session.RollbackAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_setup.OwnsDatabase)
            await Database.DisposeAsync();
    }
}
