// Devices issues and revokes the tenants' smart-lock access codes.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDevicesEndpoint(builder.Configuration);

var app = builder.Build();
app.MapOrchestrationHealth();
app.Run();
