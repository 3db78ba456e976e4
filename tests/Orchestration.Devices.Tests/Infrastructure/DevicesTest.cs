namespace Orchestration.Devices.Tests.Infrastructure;

/// <summary>
/// A test class of the Devices endpoint: its tests share one endpoint per engine, each on leases of its own. A class
/// per engine, so that the two run at the same time.
/// </summary>
public abstract class DevicesTest(DevicesFixture fixture)
{
    protected InProcessEndpoint Host { get; } = fixture.Host;
}
