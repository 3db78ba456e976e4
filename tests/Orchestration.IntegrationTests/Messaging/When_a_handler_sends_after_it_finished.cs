namespace Orchestration.IntegrationTests.Messaging;

public sealed class When_a_handler_sends_after_it_finished() : BusWorldTest("late-send")
{
    [Fact]
    public async Task Should_refuse_the_send_instead_of_letting_it_out_of_a_rolled_back_transaction()
    {
        var effect = NewId.NextGuid();
        await World.SendAsync("late-publish", new PublishLate(effect));

        await Eventually.HoldsAsync(async () => await World.CountAsync("SELECT COUNT(*) FROM {schema}.effects WHERE effect_id = @id", ("id", effect)) > 0,
            TimeSpan.FromSeconds(20), "the late publish was attempted");
        await Task.Delay(1500);
        (await World.EffectsAsync(effect, "late-publish-refused")).ShouldBe(1);
        (await World.EffectsAsync(effect, "applied")).ShouldBe(0);
        (await World.DrainAsync("late-publish_error")).Count.ShouldBe(1);
    }
}
