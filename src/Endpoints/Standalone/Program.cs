using Orchestration.Endpoints.Gateway;
using Orchestration.Endpoints.Gateway.Security;
using Orchestration.Endpoints.Notifications;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddStandalone(builder.Configuration);
builder.Services.AddGatewaySecurity(builder.Configuration);

var app = builder.Build();
app.UseGatewayPipeline();
app.MapGatewayEndpoints();
app.MapNotificationsApi().RequireAuthorization(GatewayPolicies.Leasing);
app.Run();
