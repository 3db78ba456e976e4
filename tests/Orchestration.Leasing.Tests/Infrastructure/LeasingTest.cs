namespace Orchestration.Leasing.Tests.Infrastructure;

/// <summary>A test class of the Leasing endpoint: its tests share the suite's one host, each on leases of its own.</summary>
[Collection(LeasingCollection.Name)]
public abstract class LeasingTest(LeasingFixture fixture)
{
    protected LeasingHost Host { get; } = fixture.Host;
}
