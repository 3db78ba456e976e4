using Orchestration.Endpoints.Notifications;
using Orchestration.Platform.Hosting;

// Notifications emails tenants: templates, the configured provider, and one delivery record per email.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOrchestrationEndpoint(builder.Configuration, "notifications", x => x.AddNotifications());
builder.Services.AddNotificationsServices(builder.Configuration);

var app = builder.Build();
// Health only: staff read what was sent through the Gateway, which signs them in; this process has no staff API.
app.MapOrchestrationHealth();
app.Run();
