using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Endpoints.Billing;
using Orchestration.Endpoints.Billing.Payments;
using Orchestration.Endpoints.Devices;
using Orchestration.Messages;
using Orchestration.Messages.Leasing;
using Orchestration.Platform.Hosting;
using Orchestration.Platform.Storage;
using Orchestration.Simulators.Hosting;
using Orchestration.Simulators.Payments;
using Orchestration.Testing;

namespace Orchestration.Billing.Tests.Infrastructure;

/// <summary>
/// The Billing and Devices endpoints as their hosts build them (AddOrchestrationEndpoint, inbox/outbox, recoverability)
/// in one process on the in-memory transport and storage of their own (a SQLite file, or a PostgreSQL schema), charging
/// through the real payment gateway simulator on a free port. A probe queue records the events the consumers publish,
/// and <see cref="GatewayMoments"/> let the tenant or the saga act at the moment one of Billing's calls is on its way.
/// </summary>
public sealed class BillingHost : IAsyncDisposable
{
    public const string SecretKey = "sk_test_simulator";

    readonly WebApplication _app;
    readonly RunningSimulators _simulators;
    readonly Func<Task> _dropStorage;
    readonly ConsumedMessages _consumed = new();

    BillingHost(WebApplication app, RunningSimulators simulators, Func<Task> dropStorage)
    {
        _app = app;
        _simulators = simulators;
        _dropStorage = dropStorage;
        app.Services.GetRequiredService<IBus>().ConnectConsumeObserver(_consumed);
    }

    public Uri Payments => _simulators.Payments!;

    public PublishedEvents Published => _app.Services.GetRequiredService<PublishedEvents>();

    GatewayMoments Moments => _app.Services.GetRequiredService<GatewayMoments>();

    /// <summary>The tenant's confirmation of an intent: the gateway's status code and the intent's status after it.</summary>
    public sealed record TenantPayment(HttpStatusCode StatusCode, string IntentStatus);

    /// <summary>
    /// The tenant confirms the intent with <paramref name="paymentMethod"/> through the gateway's API just before
    /// Billing's next cancellation of it reaches the gateway. Completes with the gateway's answer to the tenant, or
    /// fails when Billing does not try to cancel within 20 s.
    /// </summary>
    public Task<TenantPayment> TenantPaysJustBeforeTheCancellation(string intentId, string paymentMethod)
    {
        var paid = new TaskCompletionSource<TenantPayment>(TaskCreationOptions.RunContinuationsAsynchronously);
        Moments.Before(
            request => request.Method == HttpMethod.Post
                && request.RequestUri!.AbsolutePath.EndsWith($"/v1/payment_intents/{intentId}/cancel", StringComparison.Ordinal),
            async cancellationToken =>
            {
                using var tenant = Gateway();
                using var form = new FormUrlEncodedContent([KeyValuePair.Create("payment_method", paymentMethod)]);
                using var response = await tenant.PostAsync($"v1/payment_intents/{intentId}/confirm", form, cancellationToken);
                var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                // A decline (402) carries the intent inside the error, as Stripe sends it.
                var intent = body.TryGetProperty("error", out var error) ? error.GetProperty("payment_intent") : body;
                paid.TrySetResult(new TenantPayment(response.StatusCode, intent.GetProperty("status").GetString()!));
            });
        return paid.Task.WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>
    /// The saga calls the lease off while Billing's charge of its move-in funds is on its way: the cancellation is sent
    /// when the charge goes out, and the charge reaches the gateway <paramref name="after"/> later, giving the
    /// cancellation the time to be handled in between, if anything lets it.
    /// </summary>
    public void LeaseCalledOffDuringTheCharge(Leases lease, TimeSpan after) => Moments.Before(
        request => request.Method == HttpMethod.Post && request.RequestUri!.AbsolutePath.EndsWith("/v1/payment_intents", StringComparison.Ordinal)
            && request.Headers.TryGetValues("Idempotency-Key", out var keys) && keys.Contains(lease.FundsKey),
        async cancellationToken =>
        {
            var endpoint = await _app.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{CommandRoutes.MoveInPayments}"));
            await endpoint.Send(lease.CancelMoveInFundsRequest(), cancellationToken);
            await Task.Delay(after, cancellationToken);
        });

    /// <summary>On a SQLite file of its own, as in the standalone mode.</summary>
    /// <param name="settings">Configuration over the defaults (recoverability, <c>Billing:Payments:PaymentMethod</c>, ...).</param>
    /// <param name="gateway">Changes to the payment gateway simulator's options (a settlement delay, ...).</param>
    public static Task<BillingHost> StartAsync(IDictionary<string, string?>? settings = null, Action<PaymentsSimulatorOptions>? gateway = null)
    {
        var database = Path.Combine(Path.GetTempPath(), $"billing-tests-{Guid.NewGuid():N}.db");
        return StartAsync("Sqlite", $"Data Source={database}", "billing", settings, gateway, () =>
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            foreach (var file in new[] { database, database + "-wal", database + "-shm" })
                File.Delete(file);
            return Task.CompletedTask;
        });
    }

    /// <summary>On the PostgreSQL server the suite runs against (PGHOST, PGPORT, ...), in a schema of its own that is dropped at the end.</summary>
    public static Task<BillingHost> StartOnPostgresAsync(IDictionary<string, string?>? settings = null, Action<PaymentsSimulatorOptions>? gateway = null)
    {
        var schema = TestServers.NewSchema("billing_tests");
        return StartAsync("Postgres", TestServers.PostgresConnectionString, schema, settings, gateway, () => TestServers.DropSchemaAsync(schema));
    }

    static async Task<BillingHost> StartAsync(string provider, string connectionString, string schema, IDictionary<string, string?>? settings,
        Action<PaymentsSimulatorOptions>? gateway, Func<Task> dropStorage)
    {
        var options = new SimulatorOptions
        {
            Payments = { Url = "http://127.0.0.1:0", SecretKey = SecretKey },
            ESignature = { Enabled = false },
            Screening = { Enabled = false },
            Mail = { Enabled = false },
        };
        gateway?.Invoke(options.Payments);
        var simulators = await SimulatorHost.StartAsync(options, CancellationToken.None);

        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Test", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        var configuration = new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Storage:Provider"] = provider,
            ["Storage:ConnectionString"] = connectionString,
            ["Storage:Schema"] = schema,
            ["Recoverability:ImmediateRetries"] = "0",
            ["Recoverability:DelayedRetries"] = "",
            ["Billing:Payments:BaseUrl"] = simulators.Payments!.ToString(),
            ["Billing:Payments:SecretKey"] = SecretKey,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        builder.Services.AddSingleton<PublishedEvents>();
        builder.Services.AddOrchestrationEndpoint(builder.Configuration, "billing", x =>
        {
            x.AddBillingConsumers();
            x.AddDevicesConsumers();
            x.AddConsumer<PublishedEventsProbe>().Endpoint(e => e.Name = "billing-tests-events");
        });
        builder.Services.AddBillingServices(builder.Configuration);
        builder.Services.AddDevicesServices(builder.Configuration);

        var moments = new GatewayMoments();
        builder.Services.AddSingleton(moments);
        builder.Services.AddHttpClient<PaymentGatewayClient>().AddHttpMessageHandler(moments.Handler);

        var app = builder.Build();
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            await simulators.DisposeAsync();
            await dropStorage();
            throw;
        }

        return new BillingHost(app, simulators, dropStorage);
    }

    /// <summary>Sends the command to its queue and waits until the endpoint has finished with it: null when handled, else the exception.</summary>
    public async Task<Exception?> SendAsync<T>(T command, Guid? messageId = null)
        where T : class
    {
        var id = messageId ?? NewId.NextGuid();
        var handled = _consumed.Expect(id);
        var endpoint = await _app.Services.GetRequiredService<IBus>().GetSendEndpoint(new Uri($"queue:{CommandRoutes.Queues[typeof(T)]}"));
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

    public Task<PaymentRecord?> PaymentAsync(string idempotencyKey) =>
        ReadAsync<BillingStore, PaymentRecord?>((store, session, ct) => store.FindPaymentAsync(session, idempotencyKey, ct));

    public Task<RefundRecord?> RefundAsync(string idempotencyKey) =>
        ReadAsync<BillingStore, RefundRecord?>((store, session, ct) => store.FindRefundAsync(session, idempotencyKey, ct));

    public Task<AccessCodeRecord?> AccessCodeAsync(Guid leaseId) =>
        ReadAsync<DevicesStore, AccessCodeRecord?>((store, session, ct) => store.FindAccessCodeAsync(session, leaseId, ct));

    /// <summary>A client for the payment gateway simulator's API (with its key) and test controls.</summary>
    public HttpClient Gateway() => new()
    {
        BaseAddress = Payments,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", SecretKey) },
    };

    /// <summary>The webhook events of a type the gateway has raised that mention the text (a lease id).</summary>
    public async Task<List<JsonElement>> EventsAsync(string type, string mentioning)
    {
        using var gateway = Gateway();
        return (await gateway.GetFromJsonAsync<List<JsonElement>>($"_sim/webhooks/events?type={type}"))!
            .Where(e => e.GetProperty("payload").GetRawText().Contains(mentioning, StringComparison.Ordinal))
            .ToList();
    }

    /// <summary>The payment intent as the gateway reports it now.</summary>
    public async Task<JsonElement> IntentAsync(string id)
    {
        using var gateway = Gateway();
        return await gateway.GetFromJsonAsync<JsonElement>($"v1/payment_intents/{id}");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _simulators.DisposeAsync();
        await _dropStorage();
    }
}

sealed class PublishedEventsProbe(PublishedEvents events) : IConsumer<AccessCodeIssued>, IConsumer<MoveInFundsReceived>, IConsumer<MoveInPaymentFailed>
{
    public Task Consume(ConsumeContext<AccessCodeIssued> context) => Record(context.Message);

    public Task Consume(ConsumeContext<MoveInFundsReceived> context) => Record(context.Message);

    public Task Consume(ConsumeContext<MoveInPaymentFailed> context) => Record(context.Message);

    Task Record(object message)
    {
        events.Add(message);
        return Task.CompletedTask;
    }
}
