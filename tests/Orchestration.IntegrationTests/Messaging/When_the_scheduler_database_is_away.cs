namespace Orchestration.IntegrationTests.Messaging;

/// <summary>
/// Schedule requests that arrive while the scheduler's database is unavailable wait for it, however long the outage
/// lasts; none reaches the scheduler's error queue, and each fires once the database is back.
/// </summary>
[Collection(BusCollection.Name)]
public sealed class When_the_scheduler_database_is_away : IAsyncLifetime
{
    // Many times the attempts any fixed retry budget would allow at this pause.
    static readonly TimeSpan Outage = TimeSpan.FromSeconds(
        double.Parse(Environment.GetEnvironmentVariable("SCHEDULER_OUTAGE_SECONDS") ?? "15", System.Globalization.CultureInfo.InvariantCulture));

    readonly TcpRelay _database = new(new NpgsqlConnectionStringBuilder(TestServers.PostgresConnectionString).Host!,
        new NpgsqlConnectionStringBuilder(TestServers.PostgresConnectionString).Port);

    BusWorld _world = null!;

    public async Task InitializeAsync() => _world = await BusWorld.StartAsync("scheduler-outage", new Dictionary<string, string>
    {
        ["Storage__ConnectionString"] = new NpgsqlConnectionStringBuilder(TestServers.PostgresConnectionString) { Port = _database.Port }.ConnectionString,
        ["Scheduler__DatabaseRetryMaxDelay"] = "00:00:00.200",
    });

    public async Task DisposeAsync()
    {
        await _world.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task Should_keep_every_request_until_the_database_is_back_then_fire_each_once()
    {
        using var health = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{await _world.Endpoint.PortAsync()}") };
        await _database.CutAsync();

        var effects = Enumerable.Range(0, 5).Select(_ => NewId.NextGuid()).ToList();
        var scheduler = await _world.SchedulerAsync();
        foreach (var effect in effects)
            await scheduler.ScheduleSend(new Uri("queue:record-effect"), DateTime.UtcNow.AddSeconds(1), new RecordEffect(effect, CrashAfterCommit: false));

        await Eventually.HoldsAsync(async () => (await health.GetAsync("/health/ready")).StatusCode == HttpStatusCode.ServiceUnavailable,
            TimeSpan.FromSeconds(10), "readiness reports the outage");
        await Task.Delay(Outage);
        (await _world.DrainAsync("scheduler_error")).ShouldBeEmpty();

        _database.Restore();

        foreach (var effect in effects)
            await Eventually.HoldsAsync(async () => await _world.EffectsAsync(effect, "recorded") == 1, TimeSpan.FromSeconds(30), $"effect {effect} recorded");
        await Eventually.HoldsAsync(async () => (await health.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(10), "readiness recovers");
        await Task.Delay(1500);
        foreach (var effect in effects)
            (await _world.EffectsAsync(effect, "recorded")).ShouldBe(1);
        (await _world.DrainAsync("scheduler_error")).ShouldBeEmpty();
    }
}
