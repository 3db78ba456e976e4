namespace Orchestration.Simulators.Tests.Infrastructure;

/// <summary>
/// A test class with simulators of its own for each fact (a <see cref="Infrastructure.Harness"/>), started before the
/// fact with the options <paramref name="configure"/> sets and stopped after it.
/// </summary>
public abstract class SimulatorsTest(Action<SimulatorOptions> configure) : IAsyncLifetime
{
    protected Harness Harness { get; private set; } = null!;

    public async Task InitializeAsync() => Harness = await Harness.StartAsync(configure);

    public async Task DisposeAsync() => await Harness.DisposeAsync();
}
