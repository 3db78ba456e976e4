using MassTransit;
using Npgsql;
using Orchestration.Testing;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.IntegrationTests.Messaging;

[Collection(BusCollection.Name)]
public sealed class When_only_the_sweeper_can_deliver_a_crash_left_output : IAsyncLifetime
{
    BusWorld _world = null!;

    public async Task InitializeAsync() => _world = await BusWorld.StartAsync("orphan", new Dictionary<string, string>
    {
        ["Outbox__OrphanAge"] = "00:00:02",
    });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    // The incoming message was acknowledged (it went to an error queue after its commit, say), so no redelivery will
    // finish the job: the sweeper is the only way the output reaches the broker.
    [Fact]
    public async Task Should_deliver_it_once_and_mark_it_delivered()
    {
        var (older, newer) = (NewId.NextGuid(), NewId.NextGuid());
        var olderMessage = await StoredEffects.CrashLeftOutputAsync(_world, StoredEffects.EffectRecorded(older), TimeSpan.FromMinutes(10));
        var newerMessage = await StoredEffects.CrashLeftOutputAsync(_world, StoredEffects.EffectRecorded(newer), TimeSpan.FromSeconds(4));

        await Eventually.HoldsAsync(async () => await _world.EffectsAsync(older, "applied") == 1 && await _world.EffectsAsync(newer, "applied") == 1,
            TimeSpan.FromSeconds(20), "the sweeper delivered both outputs");
        await Task.Delay(1500);

        (await _world.EffectsAsync(older, "applied")).ShouldBe(1);
        (await _world.EffectsAsync(newer, "applied")).ShouldBe(1);
        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_message")).ShouldBe(0);
        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.inbox_state WHERE message_id IN (@a, @b) AND delivered IS NOT NULL",
            ("a", olderMessage), ("b", newerMessage))).ShouldBe(2);
    }
}

[Collection(BusCollection.Name)]
public sealed class When_a_handler_runs_longer_than_the_orphan_age : IAsyncLifetime
{
    const int Messages = 10;
    BusWorld _world = null!;

    public async Task InitializeAsync() => _world = await BusWorld.StartAsync("slow", new Dictionary<string, string>
    {
        ["Outbox__OrphanAge"] = "00:00:01",
        ["Outbox__SweepInterval"] = "00:00:00.005",
        ["Recoverability__ImmediateRetries"] = "0",
    });

    public async Task DisposeAsync() => await _world.DisposeAsync();

    [Fact]
    public async Task Should_publish_its_output_once()
    {
        var effects = Enumerable.Range(0, Messages).Select(_ => NewId.NextGuid()).ToList();

        // The handlers insert into a table the test holds locked, so each runs about three seconds.
        await using (var connection = new NpgsqlConnection(TestServers.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand($"LOCK TABLE \"{_world.Schema}\".effects IN SHARE MODE", connection, transaction))
                await command.ExecuteNonQueryAsync();
            foreach (var effect in effects)
                await _world.SendAsync("record-effect", new RecordEffect(effect, CrashAfterCommit: false));
            await Task.Delay(TimeSpan.FromSeconds(3));
            await transaction.CommitAsync();
        }

        await Eventually.HoldsAsync(async () => await _world.CountAsync("SELECT COUNT(*) FROM {schema}.effects WHERE kind = 'applied'") == Messages,
            TimeSpan.FromSeconds(30), "every output was applied");
        await Task.Delay(2000);

        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.inbox_state WHERE receive_count > 1"))
            .ShouldBe(0, "an output was published twice: by its handler and by the sweeper");
        (await _world.CountAsync("SELECT COUNT(*) FROM {schema}.effects WHERE kind = 'recorded'")).ShouldBe(Messages);
    }
}
