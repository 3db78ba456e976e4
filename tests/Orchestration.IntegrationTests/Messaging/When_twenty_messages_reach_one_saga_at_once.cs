namespace Orchestration.IntegrationTests.Messaging;

// The product's recoverability, not the tests' short delays: what a hot saga meets in production.
public sealed class When_twenty_messages_reach_one_saga_at_once() : BusWorldTest("hotsaga", new Dictionary<string, string>
{
    ["Recoverability__ImmediateRetries"] = "5",
    ["Recoverability__DelayedRetries"] = "00:00:10, 00:00:20, 00:00:30",
})
{
    const int Messages = 20;

    [Fact]
    public async Task Should_apply_every_message_and_send_none_to_the_error_queue()
    {
        var probe = await World.StartProbeAsync();

        await Task.WhenAll(Enumerable.Range(0, Messages).Select(_ => World.SendAsync("probe-state", new IncrementProbe(probe, 1))));

        // Each message is either applied, or waiting for a delayed retry, or in the error queue; wait out the retries.
        await Eventually.HoldsAsync(async () => await World.CountAsync(
                "SELECT COUNT(*) FROM {schema}.inbox_state WHERE consumed IS NOT NULL") == 1 + Messages
            || (await TestServers.QueueDepthsAsync(World.VirtualHost)).GetValueOrDefault("probe-state_error") > 0,
            TimeSpan.FromSeconds(75), "every increment consumed or one in the error queue");

        var failed = await World.DrainAsync("probe-state_error");
        var types = string.Join(", ", failed.Select(f => f.Headers.TryGetValue("MT-Fault-ExceptionType", out var t) ? t : null));
        failed.ShouldBeEmpty($"{failed.Count} of {Messages} increments went to the error queue: {types}");
        (await World.ScalarAsync("SELECT data->>'Count' FROM {schema}.saga_probe WHERE correlation_id = @id", ("id", probe))).ShouldBe($"{Messages}");
        (await World.ScalarAsync("SELECT version FROM {schema}.saga_probe WHERE correlation_id = @id", ("id", probe))).ShouldBe($"{1 + Messages}");

        // A delayed retry passes through the scheduler's table: a message that lost every immediate attempt to the
        // others would wait 10 s there, and with a little more load would have no attempts left at all.
        (await World.CountAsync("SELECT COUNT(*) FROM {schema}.scheduled_message")).ShouldBe(0, "no increment needed a delayed retry");
    }
}
