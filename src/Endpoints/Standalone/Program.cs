using Orchestration.Endpoints.Gateway;
using Orchestration.Endpoints.Gateway.Security;
using Orchestration.Endpoints.Maintenance.Vendors;
using Orchestration.Endpoints.Notifications;
using Orchestration.Endpoints.Standalone;

var builder = WebApplication.CreateBuilder(args);
await builder.Configuration.AddStandaloneSecretsAsync();
builder.Services.AddStandalone(builder.Configuration);
builder.Services.AddGatewaySecurity(builder.Configuration);

var app = builder.Build();
app.UseGatewayPipeline();
app.MapGatewayEndpoints();
app.MapVendorApi();
app.MapNotificationsApi().RequireAuthorization(GatewayPolicies.Leasing);
app.Run();
