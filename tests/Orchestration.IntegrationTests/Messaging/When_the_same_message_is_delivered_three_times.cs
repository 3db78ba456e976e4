namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_the_same_message_is_delivered_three_times() : BusWorldTest("dedup")
{
    [Fact]
    public async Task Should_apply_one_saga_transition_and_deliver_one_copy_of_each_outgoing_message()
    {
        var probe = await World.StartProbeAsync();

        var incrementId = NewId.NextGuid();
        var effect = NewId.NextGuid();
        var effectMessageId = NewId.NextGuid();
        for (var i = 0; i < 3; i++)
        {
            await World.SendAsync("probe-state", new IncrementProbe(probe, 1), incrementId);
            await World.SendAsync("record-effect", new RecordEffect(effect, CrashAfterCommit: false), effectMessageId);
        }

        await Eventually.HoldsAsync(async () => await World.EffectsAsync(effect, "applied") >= 1, TimeSpan.FromSeconds(20), "the effect was applied");
        await Eventually.HoldsAsync(async () => await World.CountAsync(
                "SELECT COUNT(*) FROM {schema}.inbox_state WHERE message_id = @id AND receive_count = 3", ("id", incrementId)) == 1,
            TimeSpan.FromSeconds(20), "all three copies of the increment were received");
        await Task.Delay(1000);

        (await World.ScalarAsync("SELECT data->>'Count' FROM {schema}.saga_probe WHERE correlation_id = @id", ("id", probe))).ShouldBe("1");
        (await World.ScalarAsync("SELECT version FROM {schema}.saga_probe WHERE correlation_id = @id", ("id", probe))).ShouldBe("2");
        (await World.EffectsAsync(effect, "recorded")).ShouldBe(1);
        (await World.EffectsAsync(effect, "applied")).ShouldBe(1);
        (await World.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_message")).ShouldBe(0);
    }
}
