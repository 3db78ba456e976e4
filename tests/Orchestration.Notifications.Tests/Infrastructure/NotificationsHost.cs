using Orchestration.Platform.Storage;
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

    /// <summary>
    /// The claim an attempt at <paramref name="messageId"/> leaves when its process dies between the claim and the record
    /// of the provider's answer: written by the endpoint's own store, as that attempt wrote it, <paramref name="age"/> ago.
    /// </summary>
    public async Task LeaveUnfinishedClaimAsync(OutgoingEmail email, Guid messageId, string claimedBy, TimeSpan age)
    {
        await using var scope = _endpoint.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        var claimedAt = (DateTimeOffset.UtcNow - age).ToUnixTimeMilliseconds();
        await session.BeginAsync(CancellationToken.None);
        await scope.ServiceProvider.GetRequiredService<NotificationsStore>()
            .ClaimAsync(session, email, EmailProviders.SendGrid, messageId, claimedBy, claimedAt, CancellationToken.None);
        await session.CommitAsync(CancellationToken.None);
    }

    /// <summary>When the provider's acceptance of the email was recorded, if it was.</summary>
    public Task<bool> RecordedAcceptedAsync(string deduplicationKey) =>
        _endpoint.ReadAsync<SqlStorage, bool>(async (storage, session, ct) =>
        {
            await using var command = session.CreateCommand($"SELECT COUNT(*) FROM {storage.Table("deliveries")} WHERE deduplication_key = @key AND accepted_at IS NOT NULL");
            return Convert.ToInt64(await command.With("@key", deduplicationKey).ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 1;
        });

    public ValueTask DisposeAsync() => _endpoint.DisposeAsync();
}
