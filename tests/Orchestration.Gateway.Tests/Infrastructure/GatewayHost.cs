using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Endpoints.Gateway;
using Orchestration.Messages.Leasing;
using Orchestration.Platform.Hosting;
using Orchestration.Platform.Storage;
using SimulatedSignature = Orchestration.Simulators.Webhooks.WebhookSignature;

namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>
/// The Gateway's webhook receivers as its host builds them, on Kestrel at a free loopback port, the in-memory transport
/// and a SQLite file of its own, with a consumer that records every domain event the webhooks cause.
/// </summary>
public sealed class GatewayHost : IAsyncDisposable
{
    public const string PaymentsSecret = "whsec_gateway_tests";
    public const string ESignatureSecret = "esign_whsec_gateway_tests";
    public const string ScreeningSecret = "screening_whsec_gateway_tests";

    readonly WebApplication _app;
    readonly string _database;

    GatewayHost(WebApplication app, string database)
    {
        _app = app;
        _database = database;
        Http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
    }

    public HttpClient Http { get; }

    public PublishedEvents Published => _app.Services.GetRequiredService<PublishedEvents>();

    public static async Task<GatewayHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var database = Path.Combine(Path.GetTempPath(), $"gateway-tests-{Guid.NewGuid():N}.db");
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Test", ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        var configuration = new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Storage:Provider"] = "Sqlite",
            ["Storage:ConnectionString"] = $"Data Source={database}",
            ["Storage:Schema"] = "gateway",
            ["Gateway:Webhooks:Payments:Secret"] = PaymentsSecret,
            ["Gateway:Webhooks:ESignature:Secret"] = ESignatureSecret,
            ["Gateway:Webhooks:Screening:Secret"] = ScreeningSecret,
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
            configuration[key] = value;
        builder.Configuration.AddInMemoryCollection(configuration);
        builder.WebHost.UseUrls("http://127.0.0.1:0");

        builder.Services.AddSingleton<PublishedEvents>();
        builder.Services.AddOrchestrationEndpoint(builder.Configuration, "gateway", x => x.AddConsumer<PublishedEventsConsumer>());
        builder.Services.AddGatewayWebhooks(builder.Configuration);

        var app = builder.Build();
        app.UseRateLimiter();
        app.MapWebhooks();
        await app.StartAsync();
        return new GatewayHost(app, database);
    }

    /// <summary>Posts the body as the provider would, signed with <c>X-Signature</c> (or <c>Stripe-Signature</c> for payments) at <paramref name="signedAt"/>.</summary>
    public Task<HttpResponseMessage> PostAsync(string route, string body, DateTimeOffset? signedAt = null, string? secret = null, string? eventId = null)
    {
        var (header, defaultSecret) = route switch
        {
            "payments" => ("Stripe-Signature", PaymentsSecret),
            "esign" => ("X-Signature", ESignatureSecret),
            _ => ("X-Signature", ScreeningSecret),
        };
        var bytes = Encoding.UTF8.GetBytes(body);
        var signature = SimulatedSignature.Create(secret ?? defaultSecret, (signedAt ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(), bytes);
        return PostSignedAsync(route, bytes, header, signature, eventId);
    }

    public Task<HttpResponseMessage> PostSignedAsync(string route, byte[] body, string header, string signature, string? eventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/webhooks/{route}") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(header, signature);
        if (eventId is not null)
            request.Headers.TryAddWithoutValidation("X-Event-Id", eventId);
        return Http.SendAsync(request);
    }

    public async Task<long> ReceiptCountAsync(string provider)
    {
        var storage = _app.Services.GetRequiredService<SqlStorage>();
        await using var connection = await storage.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {storage.Table("webhook_receipts")} WHERE provider = @provider";
        command.With("@provider", provider);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _database, _database + "-wal", _database + "-shm" })
            File.Delete(file);
    }
}

/// <summary>Every domain event that reached a consumer, in arrival order.</summary>
public sealed class PublishedEvents
{
    readonly ConcurrentQueue<object> _events = new();
    readonly SemaphoreSlim _arrived = new(0);

    public IReadOnlyList<object> All => [.. _events];

    internal void Add(object message)
    {
        _events.Enqueue(message);
        _arrived.Release();
    }

    /// <summary>Waits for the first event of type <typeparamref name="T"/>, then a little longer so that any duplicate would have arrived too.</summary>
    public async Task<IReadOnlyList<T>> SettledAsync<T>(TimeSpan? quiet = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!_events.OfType<T>().Any() && DateTime.UtcNow < deadline)
            await _arrived.WaitAsync(TimeSpan.FromMilliseconds(100));
        await Task.Delay(quiet ?? TimeSpan.FromSeconds(1.5));
        return [.. _events.OfType<T>()];
    }
}

sealed class PublishedEventsConsumer(PublishedEvents published) :
    IConsumer<ScreeningCompleted>,
    IConsumer<TenantSigned>,
    IConsumer<LandlordCountersigned>,
    IConsumer<MoveInFundsReceived>,
    IConsumer<MoveInPaymentFailed>
{
    public Task Consume(ConsumeContext<ScreeningCompleted> context) => Record(context.Message);
    public Task Consume(ConsumeContext<TenantSigned> context) => Record(context.Message);
    public Task Consume(ConsumeContext<LandlordCountersigned> context) => Record(context.Message);
    public Task Consume(ConsumeContext<MoveInFundsReceived> context) => Record(context.Message);
    public Task Consume(ConsumeContext<MoveInPaymentFailed> context) => Record(context.Message);

    Task Record(object message)
    {
        published.Add(message);
        return Task.CompletedTask;
    }
}
