using Orchestration.Messages;

namespace Orchestration.Notifications.Tests.Infrastructure;

/// <summary>
/// The Notifications endpoint as its host builds it, in this process (<see cref="InProcessEndpoint"/>) on storage of its
/// own (a SQLite file or a PostgreSQL schema), with its query API on a free port and a probe on its error queue.
/// </summary>
public sealed class NotificationsHost : IAsyncDisposable
{
    readonly InProcessEndpoint _endpoint;

    NotificationsHost(InProcessEndpoint endpoint) => _endpoint = endpoint;

    public HttpClient Http => _endpoint.Http;

    public ErrorQueue ErrorQueue => _endpoint.Services.GetRequiredService<ErrorQueue>();

    /// <summary>On a SQLite file of its own, as in the standalone mode.</summary>
    public static Task<NotificationsHost> StartAsync(IDictionary<string, string?>? settings = null) =>
        StartAsync(TestDatabase.OnSqlite("notifications"), settings);

    /// <summary>On the PostgreSQL server the suite runs against (PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE), in a schema of its own.</summary>
    public static Task<NotificationsHost> StartOnPostgresAsync(IDictionary<string, string?>? settings = null) =>
        StartAsync(TestDatabase.OnPostgres("notifications"), settings);

    static async Task<NotificationsHost> StartAsync(TestDatabase database, IDictionary<string, string?>? settings)
    {
        var configuration = new Dictionary<string, string?> { ["Notifications:Provider"] = "Pickup" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;

        return new NotificationsHost(await InProcessEndpoint.StartAsync(new EndpointSetup
        {
            Name = "notifications",
            Database = database,
            Settings = configuration,
            Consumers = x =>
            {
                x.AddNotifications();
                x.AddConsumer<ErrorQueueProbe>().Endpoint(e => e.Name = $"{CommandRoutes.Notifications}_error");
            },
            Services = builder =>
            {
                builder.Services.AddSingleton<ErrorQueue>();
                builder.Services.AddNotificationsServices(builder.Configuration);
            },
            Pipeline = app => app.MapNotificationsApi(),
        }));
    }

    /// <summary>Sends the command to the notifications queue and waits until the endpoint has finished with it.</summary>
    public Task<Exception?> SendAsync<T>(T command, Guid? messageId = null)
        where T : class => _endpoint.SendAsync(command, messageId);

    public async Task<List<PickedUpEmail>> EmailsAsync(Guid leaseId) =>
        (await Http.GetFromJsonAsync<List<PickedUpEmail>>($"/api/notifications/emails?leaseId={leaseId}"))!;

    public ValueTask DisposeAsync() => _endpoint.DisposeAsync();
}
