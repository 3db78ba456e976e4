namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_copies_of_a_saga_message_arrive_together() : BusWorldTest("duprace", new Dictionary<string, string>
{
    ["Recoverability__ImmediateRetries"] = "0",
    ["Bus__RabbitMq__PrefetchCount"] = "8",
    ["Recoverability__DelayedRetries"] = " ",
})
{
    const int Copies = 4;

    [Fact]
    public async Task Should_start_each_saga_once_without_a_concurrency_failure()
    {
        var probes = Enumerable.Range(0, 30).Select(_ => NewId.NextGuid()).ToList();
        await Task.WhenAll(probes.SelectMany(probe =>
        {
            var messageId = NewId.NextGuid();
            return Enumerable.Range(0, Copies).Select(_ => World.SendAsync("probe-state", new StartProbe(probe), messageId));
        }));
        await Eventually.HoldsAsync(async () => await World.CountAsync("SELECT COUNT(*) FROM {schema}.saga_probe WHERE current_state = 'Running'") == probes.Count,
            TimeSpan.FromSeconds(20), "every probe started");
        await Task.Delay(3000);
        var concurrency = System.Text.RegularExpressions.Regex.Matches(World.Endpoint.Output, "SagaConcurrencyException:").Count;
        concurrency.ShouldBe(0);
    }

    [Fact]
    public async Task Should_apply_each_message_once_and_leave_nothing_in_the_error_queue()
    {
        var probes = await World.StartProbesAsync(30);

        await Task.WhenAll(probes.SelectMany(probe =>
        {
            var messageId = NewId.NextGuid();
            return Enumerable.Range(0, Copies).Select(_ => World.SendAsync("probe-state", new IncrementProbe(probe, 1), messageId));
        }));

        await Eventually.HoldsAsync(async () => await World.CountAsync("SELECT COUNT(*) FROM {schema}.saga_probe WHERE data->>'Count' = '1'") == probes.Count,
            TimeSpan.FromSeconds(30), "every probe counted its increment once");
        await Task.Delay(3000);
        (await World.CountAsync("SELECT COUNT(*) FROM {schema}.saga_probe WHERE data->>'Count' <> '1'")).ShouldBe(0);
        var received = await World.CountAsync("SELECT COALESCE(SUM(receive_count), 0) FROM {schema}.inbox_state WHERE receive_count > 1");
        var failed = await World.DrainAsync("probe-state_error");
        var output = World.Endpoint.Output;
        var concurrency = System.Text.RegularExpressions.Regex.Matches(output, "SagaConcurrencyException:").Count;
        var redelivered = System.Text.RegularExpressions.Regex.Matches(output, "R-RETRY").Count;
        concurrency.ShouldBe(0, "a duplicate copy failed as a saga conflict instead of being dropped by the inbox");
        var types = string.Join(", ", failed.Select(f => f.Headers.TryGetValue("MT-Fault-ExceptionType", out var t) ? t : null));
        failed.ShouldBeEmpty($"{failed.Count} copies failed: {types}");
    }
}
