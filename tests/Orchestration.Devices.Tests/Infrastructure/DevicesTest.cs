namespace Orchestration.Devices.Tests.Infrastructure;

/// <summary>A test class of the Devices endpoint: its tests share the suite's one endpoint, each on leases of its own.</summary>
[Collection(DevicesCollection.Name)]
public abstract class DevicesTest(DevicesFixture fixture)
{
    protected InProcessEndpoint Host { get; } = fixture.Host;
}
