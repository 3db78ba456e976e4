using Orchestration.Sagas.Leasing;

namespace Orchestration.Sagas.Tests.Leasing;

/// <summary>Plays a scenario once and lets every fact of a test class look at the outcome.</summary>
public abstract class LeaseScenario : IAsyncLifetime
{
    public LeaseSigningHarness Lease { get; private set; } = null!;

    protected virtual LeaseSigningOptions Options => LeaseSigningHarness.TimeoutsOutOfTheWay;

    protected abstract Task Play(LeaseSigningHarness lease);

    public async Task InitializeAsync()
    {
        Lease = await LeaseSigningHarness.Start(Options);
        await Play(Lease);
    }

    public async Task DisposeAsync() => await Lease.DisposeAsync();
}
