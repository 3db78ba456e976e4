namespace Orchestration.FaultTests;

// Every chain has a deadline timeout; the deadlines are spread over half a minute and the fault starts once they
// have begun to fall due, so that some fall due while it lasts.
public sealed class When_the_scheduler_process_is_killed_mid_run : IAsyncLifetime
{
    ChainRun _run = null!;

    public async Task InitializeAsync() => _run = await ChainRun.StartAsync("schedkill", schedulerApart: true);

    public async Task DisposeAsync() => await _run.DisposeAsync();

    [Fact]
    public async Task Should_fire_every_timeout_exactly_once()
    {
        await _run.StartChainsAsync(count: 1000, steps: 3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(40));
        await _run.InFlightAsync(0.25, TimeSpan.FromSeconds(60));
        await _run.DeadlinesFallingDueAsync();

        // SIGKILL of the operations process, possibly in the middle of sending a batch of due timeouts; schedule
        // requests wait in its queue meanwhile.
        await _run.FaultAsync(async () =>
        {
            await _run.Operations!.KillAsync();
            await Task.Delay(TimeSpan.FromSeconds(3));
            await _run.Operations.StartAsync();
        });

        await _run.ShouldCompleteExactlyOnceAsync(TimeSpan.FromSeconds(120));
    }
}
