namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_another_scheduler_instance_holds_the_due_messages() : BusWorldTest("holddue")
{
    // Every look of the dispatcher scans scheduled_message; PostgreSQL counts those scans per table.
    Task<long> ScansAsync() => World.CountAsync(
        "SELECT COALESCE(seq_scan, 0) + COALESCE(idx_scan, 0) FROM pg_stat_user_tables WHERE schemaname = @schema AND relname = 'scheduled_message'",
        ("schema", World.Schema));

    [Fact]
    public async Task Should_wait_for_them_instead_of_looking_again_and_again()
    {
        var probe = await World.StartProbeAsync();
        // Due well after it is stored and taken below, however slowly a busy machine does both.
        await World.SendAsync("probe-state", new ArmProbeTimeout(probe, Seconds: 4));
        await Eventually.HoldsAsync(async () => await World.CountAsync("SELECT COUNT(*) FROM {schema}.scheduled_message WHERE closed_at IS NULL") == 1,
            TimeSpan.FromSeconds(10), "the timeout is stored");

        // The test plays the other instance: it holds the due row, as a dispatcher does while it sends.
        await using (var connection = new NpgsqlConnection(TestServers.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var transaction = await connection.BeginTransactionAsync();
            long dueAt;
            await using (var hold = new NpgsqlCommand($"SELECT due_at FROM \"{World.Schema}\".scheduled_message WHERE closed_at IS NULL FOR UPDATE",
                connection, transaction))
                dueAt = (long)(await hold.ExecuteScalarAsync())!;

            var untilDue = DateTimeOffset.FromUnixTimeMilliseconds(dueAt) - DateTimeOffset.UtcNow;
            await Task.Delay((untilDue > TimeSpan.Zero ? untilDue : TimeSpan.Zero) + TimeSpan.FromSeconds(1.5));
            var before = await ScansAsync();
            await Task.Delay(TimeSpan.FromSeconds(4));
            var scans = await ScansAsync() - before;

            // At the test endpoint's poll interval (250 ms) that is about 50; a dispatcher that does not wait makes thousands.
            scans.ShouldBeLessThan(200, $"the dispatcher looked for due messages {scans} times in 4 s while they were held");
            await transaction.CommitAsync();
        }

        await Eventually.HoldsAsync(async () => await World.ScalarAsync("SELECT current_state FROM {schema}.saga_probe WHERE correlation_id = @id",
            ("id", probe)) == "TimedOut", TimeSpan.FromSeconds(20), "the timeout fired once the row was released");
    }
}
