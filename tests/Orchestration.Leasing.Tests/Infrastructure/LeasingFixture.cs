namespace Orchestration.Leasing.Tests.Infrastructure;

/// <summary>One Leasing host and one set of simulators for the whole suite; every test works on leases of its own.</summary>
public sealed class LeasingFixture() : HostFixture<LeasingHost>(LeasingHost.StartAsync);
