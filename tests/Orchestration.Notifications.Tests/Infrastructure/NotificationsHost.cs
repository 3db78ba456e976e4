using System.Collections.Concurrent;
using System.Net.Http.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Endpoints.Notifications;
using Orchestration.Messages;
using Orchestration.Messages.Notifications;
using Orchestration.Platform.Hosting;

namespace Orchestration.Notifications.Tests.Infrastructure;

/// <summary>
/// The Notifications endpoint as its host builds it (AddOrchestrationEndpoint, inbox/outbox, recoverability), on the
/// in-memory transport and storage of its own (a SQLite file or a PostgreSQL schema), with its query API on a free port
/// and a probe on its error queue.
/// </summary>
public sealed class NotificationsHost : IAsyncDisposable
{
    readonly Func<Task> _dropStorage;
    readonly WebApplication _app;
    readonly Consumed _consumed = new();

    NotificationsHost(WebApplication app, Func<Task> dropStorage)
    {
        _dropStorage = dropStorage;
        _app = app;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
        app.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_consumed);
    }

    public HttpClient Http { get; }

    public ErrorQueue ErrorQueue => _app.Services.GetRequiredService<ErrorQueue>();

    /// <summary>On a SQLite file of its own, as in the standalone mode.</summary>
    public static Task<NotificationsHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var database = Path.Combine(Path.GetTempPath(), $"notifications-tests-{Guid.NewGuid():N}.db");
        return StartAsync(settings, "Sqlite", $"Data Source={database}", "notifications", () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { database, database + "-wal", database + "-shm" })
                File.Delete(file);
            return Task.CompletedTask;
        });
    }

    /// <summary>On the PostgreSQL server the suite runs against (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), in a schema of its own.</summary>
    public static Task<NotificationsHost> StartOnPostgresAsync(IDictionary<string, string?>? settings = null)
    {
        static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder
        {
            Host = Env("PGHOST", "127.0.0.1"),
            Port = int.Parse(Env("PGPORT", "5432"), System.Globalization.CultureInfo.InvariantCulture),
            Username = Env("PGUSER", "orchestration"),
            Password = Env("PGPASSWORD", "orchestration"),
            Database = Env("PGDATABASE", "orchestration"),
        }.ConnectionString;
        var schema = $"notifications_{Guid.NewGuid():N}"[..30];
        return StartAsync(settings, "Postgres", connectionString, schema, async () =>
        {
            await using var connection = new Npgsql.NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        });
    }

    static async Task<NotificationsHost> StartAsync(IDictionary<string, string?>? settings, string provider, string connectionString, string schema,
        Func<Task> dropStorage)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Test", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        var configuration = new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Storage:Provider"] = provider,
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:Schema"] = schema,
            ["Notifications:Provider"] = "Pickup",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        builder.Services.AddSingleton<ErrorQueue>();
        builder.Services.AddOrchestrationEndpoint(builder.Configuration, "notifications", x =>
        {
            x.AddNotifications();
            x.AddConsumer<ErrorQueueProbe>().Endpoint(e => e.Name = $"{CommandRoutes.Notifications}_error");
        });
        builder.Services.AddNotificationsServices(builder.Configuration);

        var app = builder.Build();
        app.MapNotificationsApi();
        try
        {
            await app.StartAsync();
        }
        catch (Exception failure)
        {
            await app.DisposeAsync();
            try
            {
                await dropStorage();
            }
            catch (Exception cleanup)
            {
                throw new AggregateException(failure, cleanup);
            }

            throw;
        }

        return new NotificationsHost(app, dropStorage);
    }

    /// <summary>Sends the command to the notifications queue and waits until the endpoint has finished with it.</summary>
    public async Task<Exception?> SendAsync(SendTenantEmail command, Guid? messageId = null)
    {
        var id = messageId ?? NewId.NextGuid();
        var handled = _consumed.Expect(id);
        var endpoint = await _app.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{CommandRoutes.Notifications}"));
        await endpoint.Send(command, context => context.MessageId = id);
        return await handled.WaitAsync(TimeSpan.FromSeconds(20));
    }

    public async Task<List<PickedUpEmail>> EmailsAsync(Guid leaseId) =>
        (await Http.GetFromJsonAsync<List<PickedUpEmail>>($"/api/notifications/emails?leaseId={leaseId}"))!;

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _dropStorage();
    }

    /// <summary>Completes when the notifications queue has finished a message: null when handled, the exception when it failed.</summary>
    sealed class Consumed : IConsumeObserver
    {
        readonly ConcurrentDictionary<Guid, TaskCompletionSource<Exception?>> _waiting = new();

        public Task<Exception?> Expect(Guid messageId) =>
            _waiting.GetOrAdd(messageId, _ => new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        public Task PreConsume<T>(ConsumeContext<T> context)
            where T : class => Task.CompletedTask;

        public Task PostConsume<T>(ConsumeContext<T> context)
            where T : class => Complete(context, null);

        public Task ConsumeFault<T>(ConsumeContext<T> context, Exception exception)
            where T : class => Complete(context, exception);

        Task Complete(ConsumeContext context, Exception? exception)
        {
            if (context.ReceiveContext.InputAddress.AbsolutePath.EndsWith($"/{CommandRoutes.Notifications}", StringComparison.Ordinal) &&
                context.MessageId is { } id && _waiting.TryGetValue(id, out var waiting))
                waiting.TrySetResult(exception);
            return Task.CompletedTask;
        }
    }
}

/// <summary>What arrived in the notifications error queue, with the fault headers operators see.</summary>
public sealed class ErrorQueue
{
    readonly ConcurrentDictionary<Guid, TaskCompletionSource<IReadOnlyDictionary<string, string?>>> _arrived = new();

    public Task<IReadOnlyDictionary<string, string?>> ArrivalAsync(Guid leaseId) => Slot(leaseId).Task.WaitAsync(TimeSpan.FromSeconds(20));

    internal void Add(Guid leaseId, IReadOnlyDictionary<string, string?> headers) => Slot(leaseId).TrySetResult(headers);

    TaskCompletionSource<IReadOnlyDictionary<string, string?>> Slot(Guid leaseId) =>
        _arrived.GetOrAdd(leaseId, _ => new TaskCompletionSource<IReadOnlyDictionary<string, string?>>(TaskCreationOptions.RunContinuationsAsynchronously));
}

sealed class ErrorQueueProbe(ErrorQueue errors) : IConsumer<SendTenantEmail>
{
    public Task Consume(ConsumeContext<SendTenantEmail> context)
    {
        errors.Add(context.Message.LeaseId, context.ReceiveContext.TransportHeaders.GetAll().ToDictionary(h => h.Key, h => h.Value?.ToString()));
        return Task.CompletedTask;
    }
}
