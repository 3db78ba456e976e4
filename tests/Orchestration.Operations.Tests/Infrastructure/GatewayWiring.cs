namespace Orchestration.Operations.Tests.Infrastructure;

/// <summary>The Gateway's services and pipeline as its Program.cs wires them, for the test hosts that run it.</summary>
static class GatewayWiring
{
    public static void Services(WebApplicationBuilder builder)
    {
        builder.Services.AddGatewayWebhooks(builder.Configuration);
        builder.Services.AddGatewayApi(builder.Configuration);
        builder.Services.AddGatewaySecurity(builder.Configuration);
    }

    public static void Pipeline(WebApplication app)
    {
        app.UseGatewayPipeline();
        app.MapGatewayEndpoints();
    }
}
