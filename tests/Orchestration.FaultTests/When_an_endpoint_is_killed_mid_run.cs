namespace Orchestration.FaultTests;

public sealed class When_an_endpoint_is_killed_mid_run() : MidRunFault("kill")
{
    // SIGKILL: no shutdown, no acknowledgements, open transactions cut off; the sagas' process hosts the scheduler.
    [Fact]
    public Task Should_complete_every_saga_with_every_effect_exactly_once() =>
        ShouldCompleteExactlyOnceDespiteAsync(async () =>
        {
            await Run.Sagas.KillAsync();
            await Run.Workers.KillAsync();
            await Run.Sagas.StartAsync();
            await Run.Workers.StartAsync();
        }, chains: 2000);
}
