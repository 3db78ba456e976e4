namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>One Gateway for all the facts of a test class; each fact makes its own properties, units and leases.</summary>
public sealed class GatewayApiFixture : IAsyncLifetime
{
    public GatewayApiHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await GatewayApiHost.StartAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();
}
