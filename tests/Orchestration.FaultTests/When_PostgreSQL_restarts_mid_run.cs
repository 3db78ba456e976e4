namespace Orchestration.FaultTests;

// Every chain has a deadline timeout; the deadlines are spread over half a minute and the fault starts once they
// have begun to fall due, so that some fall due while it lasts.
public sealed class When_PostgreSQL_restarts_mid_run : IAsyncLifetime
{
    ChainRun _run = null!;

    public async Task InitializeAsync() => _run = await ChainRun.StartAsync("pgrestart");

    public async Task DisposeAsync() => await _run.DisposeAsync();

    [Fact]
    public async Task Should_complete_every_saga_with_nothing_lost_or_doubled()
    {
        await _run.StartChainsAsync(count: 1000, steps: 3, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(40));
        await _run.InFlightAsync(0.25, TimeSpan.FromSeconds(60));
        await _run.DeadlinesFallingDueAsync();

        await _run.FaultAsync(ServerControl.RestartPostgresAsync);

        await _run.ShouldCompleteExactlyOnceAsync(TimeSpan.FromSeconds(120));
    }
}
