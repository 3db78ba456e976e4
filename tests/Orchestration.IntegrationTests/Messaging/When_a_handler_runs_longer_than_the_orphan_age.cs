namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_a_handler_runs_longer_than_the_orphan_age() : BusWorldTest("slow", new Dictionary<string, string>
{
    ["Outbox__OrphanAge"] = "00:00:01",
    ["Outbox__SweepInterval"] = "00:00:00.005",
    ["Recoverability__ImmediateRetries"] = "0",
})
{
    const int Messages = 10;

    [Fact]
    public async Task Should_publish_its_output_once()
    {
        var effects = Enumerable.Range(0, Messages).Select(_ => NewId.NextGuid()).ToList();

        // The handlers insert into a table the test holds locked, so each runs about three seconds.
        await using (var connection = new NpgsqlConnection(TestServers.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            await using (var command = new NpgsqlCommand($"LOCK TABLE \"{World.Schema}\".effects IN SHARE MODE", connection, transaction))
                await command.ExecuteNonQueryAsync();
            foreach (var effect in effects)
                await World.SendAsync("record-effect", new RecordEffect(effect, CrashAfterCommit: false));
            await Task.Delay(TimeSpan.FromSeconds(3));
            await transaction.CommitAsync();
        }

        await Eventually.HoldsAsync(async () => await World.CountAsync("SELECT COUNT(*) FROM {schema}.effects WHERE kind = 'applied'") == Messages,
            TimeSpan.FromSeconds(30), "every output was applied");
        await Task.Delay(2000);

        (await World.CountAsync("SELECT COUNT(*) FROM {schema}.inbox_state WHERE receive_count > 1"))
            .ShouldBe(0, "an output was published twice: by its handler and by the sweeper");
        (await World.CountAsync("SELECT COUNT(*) FROM {schema}.effects WHERE kind = 'recorded'")).ShouldBe(Messages);
    }
}
