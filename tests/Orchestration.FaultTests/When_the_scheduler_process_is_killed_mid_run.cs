namespace Orchestration.FaultTests;

public sealed class When_the_scheduler_process_is_killed_mid_run() : MidRunFault("schedkill", schedulerApart: true)
{
    // SIGKILL of the operations process, possibly in the middle of sending a batch of due timeouts; schedule
    // requests wait in its queue meanwhile.
    [Fact]
    public Task Should_fire_every_timeout_exactly_once() =>
        ShouldCompleteExactlyOnceDespiteAsync(async () =>
        {
            await Run.Operations!.KillAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));
            await Run.Operations.StartAsync();
        });
}
