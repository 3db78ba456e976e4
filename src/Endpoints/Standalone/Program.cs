using Orchestration.Endpoints.Gateway;
using Orchestration.Endpoints.Gateway.Security;
using Orchestration.Endpoints.Notifications;
using Orchestration.Endpoints.Standalone;
using Orchestration.Platform.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddStandalone(builder.Configuration);
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
app.MapNotificationsApi().RequireAuthorization(GatewayPolicies.Staff);
app.Run();
