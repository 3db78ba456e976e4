namespace Orchestration.FaultTests;

public sealed class When_an_endpoint_is_killed_mid_run : IAsyncLifetime
{
    ChainRun _run = null!;

    public async Task InitializeAsync() => _run = await ChainRun.StartAsync("kill");

    public async Task DisposeAsync() => await _run.DisposeAsync();

    [Fact]
    public async Task Should_complete_every_saga_with_every_effect_exactly_once()
    {
        await _run.StartChainsAsync(count: 2000, steps: 3);
        await _run.InFlightAsync(0.25, TimeSpan.FromSeconds(60));

        // SIGKILL: no shutdown, no acknowledgements, open transactions cut off.
        await _run.Sagas.KillAsync();
        await _run.Workers.KillAsync();
        await _run.Sagas.StartAsync();
        await _run.Workers.StartAsync();

        await _run.ShouldCompleteExactlyOnceAsync(TimeSpan.FromSeconds(120));
    }
}

public sealed class When_RabbitMQ_restarts_mid_run : IAsyncLifetime
{
    ChainRun _run = null!;

    public async Task InitializeAsync() => _run = await ChainRun.StartAsync("mqrestart");

    public async Task DisposeAsync() => await _run.DisposeAsync();

    [Fact]
    public async Task Should_complete_every_saga_with_nothing_lost_or_doubled()
    {
        await _run.StartChainsAsync(count: 1000, steps: 3);
        await _run.InFlightAsync(0.25, TimeSpan.FromSeconds(60));

        await ServerControl.RestartRabbitMqAsync();

        await _run.ShouldCompleteExactlyOnceAsync(TimeSpan.FromSeconds(120));
    }
}

public sealed class When_PostgreSQL_restarts_mid_run : IAsyncLifetime
{
    ChainRun _run = null!;

    public async Task InitializeAsync() => _run = await ChainRun.StartAsync("pgrestart");

    public async Task DisposeAsync() => await _run.DisposeAsync();

    [Fact]
    public async Task Should_complete_every_saga_with_nothing_lost_or_doubled()
    {
        await _run.StartChainsAsync(count: 1000, steps: 3);
        await _run.InFlightAsync(0.25, TimeSpan.FromSeconds(60));

        await ServerControl.RestartPostgresAsync();

        await _run.ShouldCompleteExactlyOnceAsync(TimeSpan.FromSeconds(120));
    }
}
