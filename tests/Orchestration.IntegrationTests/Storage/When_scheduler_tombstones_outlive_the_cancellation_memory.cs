using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;

namespace Orchestration.IntegrationTests.Storage;

/// <summary>The scheduler's clean-up as an endpoint hosting the scheduler runs it, on a clock the test moves.</summary>
public sealed class When_scheduler_tombstones_outlive_the_cancellation_memory : IAsyncLifetime
{
    static readonly DateTimeOffset Start = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    readonly string _schema = TestServers.NewSchema("tombstones");
    readonly FakeTimeProvider _time = new(Start);
    ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Bus:Transport"] = "InMemory",
            ["Storage:Provider"] = "Postgres",
            ["Storage:ConnectionString"] = TestServers.PostgresConnectionString,
            ["Storage:Schema"] = _schema,
            ["Scheduler:Host"] = "true",
        }).Build();
        var services = new ServiceCollection().AddLogging().AddSingleton<TimeProvider>(_time);
        services.AddOrchestrationEndpoint(configuration, "tombstones", _ => { });
        _services = services.BuildServiceProvider();
        await _services.GetRequiredService<IEnumerable<IHostedService>>().OfType<SchemaMigrator>().Single().StartAsync(default);
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        await TestServers.DropSchemaAsync(_schema);
    }

    async Task<List<Guid>> TokensAsync()
    {
        var storage = _services.GetRequiredService<SqlStorage>();
        await using var connection = await storage.OpenConnectionAsync(default);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT token_id FROM {storage.Table("scheduled_message")}";
        var tokens = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            tokens.Add(reader.GetGuid(0));
        return tokens;
    }

    [Fact]
    public async Task Should_remove_them_and_keep_every_pending_message_and_younger_tombstone()
    {
        var store = _services.GetRequiredService<SchedulerStore>();
        var memory = _services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SchedulerOptions>>().Value.CancellationMemory;
        var (sentLongAgo, cancelledLongAgo, cancelledLately, pending) = (NewId.NextGuid(), NewId.NextGuid(), NewId.NextGuid(), NewId.NextGuid());
        var longAgo = (Start - memory - TimeSpan.FromHours(1)).ToUnixTimeMilliseconds();
        var lately = (Start - TimeSpan.FromDays(1)).ToUnixTimeMilliseconds();
        await using (var session = new SqlSession(store.Storage))
        {
            await session.BeginAsync(default);
            await store.ScheduleAsync(session, sentLongAgo, longAgo, StoredRows.Message(), longAgo, default);
            await store.CloseAsync(session, sentLongAgo, longAgo, default);
            await store.CancelAsync(session, cancelledLongAgo, longAgo, default);
            await store.CancelAsync(session, cancelledLately, lately, default);
            await store.ScheduleAsync(session, pending, (Start + TimeSpan.FromDays(400)).ToUnixTimeMilliseconds(), StoredRows.Message(), longAgo, default);
            await session.CommitAsync(default);
        }

        var cleanup = _services.GetRequiredService<IEnumerable<IHostedService>>().OfType<TombstoneCleanup>().ShouldHaveSingleItem();
        await cleanup.StartAsync(default);
        try
        {
            await Eventually.HoldsAsync(async () => (await TokensAsync()).Count == 2, TimeSpan.FromSeconds(10), "the old tombstones were removed at start");
            (await TokensAsync()).ShouldBe([cancelledLately, pending], ignoreOrder: true);

            _time.Advance(memory);
            await Eventually.HoldsAsync(async () => (await TokensAsync()).Count == 1, TimeSpan.FromSeconds(10),
                "the later tombstone was removed once it was as old");
            (await TokensAsync()).ShouldBe([pending], "a pending message is never a tombstone, however far off it is due");
        }
        finally
        {
            await cleanup.StopAsync(default);
        }
    }
}
