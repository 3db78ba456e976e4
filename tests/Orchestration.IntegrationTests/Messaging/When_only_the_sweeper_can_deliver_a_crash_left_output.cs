namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_only_the_sweeper_can_deliver_a_crash_left_output() : BusWorldTest("orphan", new Dictionary<string, string>
{
    ["Outbox__OrphanAge"] = "00:00:02",
})
{
    // The incoming message was acknowledged (it went to an error queue after its commit, say), so no redelivery will
    // finish the job: the sweeper is the only way the output reaches the broker.
    [Fact]
    public async Task Should_deliver_it_once_and_mark_it_delivered()
    {
        var (older, newer) = (NewId.NextGuid(), NewId.NextGuid());
        var olderMessage = await StoredEffects.CrashLeftOutputAsync(World, StoredEffects.EffectRecorded(older), TimeSpan.FromMinutes(10));
        var newerMessage = await StoredEffects.CrashLeftOutputAsync(World, StoredEffects.EffectRecorded(newer), TimeSpan.FromSeconds(4));

        await Eventually.HoldsAsync(async () => await World.EffectsAsync(older, "applied") == 1 && await World.EffectsAsync(newer, "applied") == 1,
            TimeSpan.FromSeconds(20), "the sweeper delivered both outputs");
        await Task.Delay(1500);

        (await World.EffectsAsync(older, "applied")).ShouldBe(1);
        (await World.EffectsAsync(newer, "applied")).ShouldBe(1);
        (await World.CountAsync("SELECT COUNT(*) FROM {schema}.outbox_message")).ShouldBe(0);
        (await World.CountAsync("SELECT COUNT(*) FROM {schema}.inbox_state WHERE message_id IN (@a, @b) AND delivered IS NOT NULL",
            ("a", olderMessage), ("b", newerMessage))).ShouldBe(2);
    }
}
