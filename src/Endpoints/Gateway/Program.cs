using Orchestration.Endpoints.Gateway;
using Orchestration.Endpoints.Gateway.Security;
using Orchestration.Platform.Hosting;

// The Gateway takes the providers' signed webhooks and turns each one, once, into the domain event it means.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOrchestrationEndpoint(builder.Configuration, "gateway", _ => { });
builder.Services.AddGatewayWebhooks(builder.Configuration);
builder.Services.AddGatewaySecurity(builder.Configuration);

var app = builder.Build();
app.UseRateLimiter();
app.UseGatewaySecurity();
app.MapOrchestrationHealth();
app.MapWebhooks();
app.MapAuthApi();
app.Run();
