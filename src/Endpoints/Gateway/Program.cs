using Orchestration.Endpoints.Gateway;
using Orchestration.Endpoints.Gateway.Security;
using Orchestration.Platform.Hosting;

// The Gateway is the platform's edge: the staff REST API over the portal's read models, and the providers' signed
// webhooks, each turned once into the command or event it means.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOrchestrationEndpoint(builder.Configuration, "gateway", x => x.AddGatewayProjections());
builder.Services.AddGatewayWebhooks(builder.Configuration);
builder.Services.AddGatewayApi(builder.Configuration);
builder.Services.AddGatewaySecurity(builder.Configuration);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRateLimiter();
app.UseGatewaySecurity();
app.MapOrchestrationHealth();
app.MapWebhooks();
app.MapAuthApi();
app.MapGatewayApi();
app.Run();
