// Notifications emails tenants: templates, the configured provider, and one delivery record per email.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddNotificationsEndpoint(builder.Configuration);

var app = builder.Build();
// Health only: staff read what was sent through the Gateway, which signs them in; this process has no staff API.
app.MapOrchestrationHealth();
app.Run();
