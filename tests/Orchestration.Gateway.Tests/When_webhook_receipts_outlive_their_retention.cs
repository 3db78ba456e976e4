using Microsoft.Extensions.Time.Testing;

namespace Orchestration.Gateway.Tests;

/// <summary>The receipts clean-up as the Gateway hosts it, on a clock the test moves.</summary>
public sealed class When_webhook_receipts_outlive_their_retention : IAsyncLifetime
{
    static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    readonly string _database = Path.Combine(Path.GetTempPath(), $"gateway-receipts-{Guid.NewGuid():N}.db");
    readonly FakeTimeProvider _time = new(Start);
    ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Storage:Provider"] = "Sqlite",
            ["Storage:ConnectionString"] = $"Data Source={_database}",
            ["Storage:Schema"] = "gateway",
            ["Gateway:Webhooks:Payments:Secret"] = GatewayHost.PaymentsSecret,
            ["Gateway:Webhooks:ESignature:Secret"] = GatewayHost.ESignatureSecret,
            ["Gateway:Webhooks:Screening:Secret"] = GatewayHost.ScreeningSecret,
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time);
        services.AddOrchestrationEndpoint(configuration, "gateway", _ => { });
        services.AddGatewayWebhooks(configuration);
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<IEnumerable<IHostedService>>().OfType<SchemaMigrator>().Single().StartAsync(default);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        TestDatabase.DeleteSqliteFiles(_database);
    }

    async Task<bool> RecordAsync(string eventId, DateTimeOffset receivedAt)
    {
        await using var session = new SqlSession(_services.GetRequiredService<SqlStorage>());
        await session.BeginAsync(default);
        var first = await _services.GetRequiredService<WebhookReceiptStore>().TryRecordAsync(session, "payments", eventId, "payment_intent.succeeded",
            receivedAt, "{}", default);
        await session.CommitAsync(default);
        return first;
    }

    async Task<long> ReceiptsAsync()
    {
        var storage = _services.GetRequiredService<SqlStorage>();
        await using var connection = await storage.OpenConnectionAsync(default);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM {storage.Table("webhook_receipts")}";
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task Should_remove_them_and_still_drop_redeliveries_within_the_retention()
    {
        var retention = new WebhookOptions().ReceiptRetention;
        (await RecordAsync("evt_old", Start - retention - TimeSpan.FromHours(1))).ShouldBeTrue();
        (await RecordAsync("evt_recent", Start - TimeSpan.FromDays(3))).ShouldBeTrue();

        var cleanup = _services.GetRequiredService<IEnumerable<IHostedService>>().OfType<WebhookReceiptCleanup>().ShouldHaveSingleItem();
        await cleanup.StartAsync(default);
        try
        {
            await Eventually.HoldsAsync(async () => await ReceiptsAsync() == 1, TimeSpan.FromSeconds(10), "the expired receipt was removed at start");
            (await RecordAsync("evt_recent", Start)).ShouldBeFalse("a redelivery within the retention still finds its receipt");

            _time.Advance(retention);
            await Eventually.HoldsAsync(async () => await ReceiptsAsync() == 0, TimeSpan.FromSeconds(10), "the other receipt was removed once it was as old");
        }
        finally
        {
            await cleanup.StopAsync(default);
        }
    }
}
