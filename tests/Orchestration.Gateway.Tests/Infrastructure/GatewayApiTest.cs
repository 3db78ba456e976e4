namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>A test class of the Gateway's API: its facts share one Gateway (<see cref="GatewayApiFixture"/>).</summary>
public abstract class GatewayApiTest(GatewayApiFixture fixture) : IClassFixture<GatewayApiFixture>
{
    protected GatewayApiHost Gateway { get; } = fixture.Host;
}
