namespace Orchestration.FaultTests;

// Every chain has a deadline timeout; the deadlines are spread over half a minute and the fault starts once they
// have begun to fall due, so that some fall due while it lasts.
public sealed class When_an_endpoint_is_killed_mid_run : IAsyncLifetime
{
    ChainRun _run = null!;

    public async Task InitializeAsync() => _run = await ChainRun.StartAsync("kill");

    public async Task DisposeAsync() => await _run.DisposeAsync();

    [Fact]
    public async Task Should_complete_every_saga_with_every_effect_exactly_once()
    {
        await _run.StartChainsAsync(count: 2000, steps: 3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(40));
        await _run.InFlightAsync(0.25, TimeSpan.FromSeconds(60));
        await _run.DeadlinesFallingDueAsync();

        // SIGKILL: no shutdown, no acknowledgements, open transactions cut off; the sagas' process hosts the scheduler.
        await _run.FaultAsync(async () =>
        {
            await _run.Sagas.KillAsync();
            await _run.Workers.KillAsync();
            await _run.Sagas.StartAsync();
            await _run.Workers.StartAsync();
        });

        await _run.ShouldCompleteExactlyOnceAsync(TimeSpan.FromSeconds(120));
    }
}
