namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_a_handler_always_fails() : BusWorldTest("recover")
{
    [Fact]
    public async Task Should_retry_immediately_then_with_delays_then_move_the_message_to_the_error_queue()
    {
        var recoverable = NewId.NextGuid();
        var unrecoverable = NewId.NextGuid();
        await World.SendAsync("always-fail", new AlwaysFail(recoverable, Unrecoverable: false));
        await World.SendAsync("always-fail", new AlwaysFail(unrecoverable, Unrecoverable: true));

        // 1 attempt + 5 immediate retries + 3 delayed retries (1 s apart in this test).
        await Eventually.HoldsAsync(async () => await World.EffectsAsync(recoverable, "attempt") == 9, TimeSpan.FromSeconds(30), "nine attempts");
        await Eventually.HoldsAsync(async () => await World.CountAsync("SELECT COUNT(*) FROM {schema}.scheduled_message WHERE closed_at IS NULL") == 0, TimeSpan.FromSeconds(10),
            "no redelivery left in the scheduler");
        await Task.Delay(2000);
        (await World.EffectsAsync(recoverable, "attempt")).ShouldBe(9);
        (await World.EffectsAsync(unrecoverable, "attempt")).ShouldBe(1);
        (await World.CountAsync("SELECT COUNT(*) FROM {schema}.inbox_state WHERE consumed IS NOT NULL")).ShouldBe(0);

        // The last attempt's effect commits before the message reaches the error queue.
        var failed = new List<(IDictionary<string, object?> Headers, string Body)>();
        await Eventually.HoldsAsync(async () =>
        {
            failed.AddRange(await World.DrainAsync("always-fail_error"));
            return failed.Count >= 2;
        }, TimeSpan.FromSeconds(10), "both messages reached the error queue");
        failed.Count.ShouldBe(2);
        foreach (var (headers, _) in failed)
        {
            headers.Keys.ShouldContain("MT-Fault-StackTrace");
            headers["MT-Fault-InputAddress"]!.ToString()!.ShouldEndWith("/always-fail");
        }

        var always = failed.Single(m => m.Body.Contains(recoverable.ToString(), StringComparison.Ordinal)).Headers;
        always["MT-Fault-ExceptionType"].ShouldBe("System.InvalidOperationException");
        always["MT-Fault-Message"]!.ToString()!.ShouldContain("always fails");
        var rule = failed.Single(m => m.Body.Contains(unrecoverable.ToString(), StringComparison.Ordinal)).Headers;
        rule["MT-Fault-ExceptionType"].ShouldBe(typeof(ProbeRuleViolation).FullName);
    }
}
