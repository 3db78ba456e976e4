namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>One Gateway for all the facts of a test class; each fact makes its own properties, units and leases.</summary>
public sealed class GatewayApiFixture() : HostFixture<GatewayApiHost>(GatewayApiHost.StartAsync);
