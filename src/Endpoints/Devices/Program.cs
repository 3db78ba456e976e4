using Orchestration.Endpoints.Devices;
using Orchestration.Platform.Hosting;

// Devices issues and revokes the tenants' smart-lock access codes.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOrchestrationEndpoint(builder.Configuration, "devices", x => x.AddDevicesConsumers());
builder.Services.AddDevicesServices(builder.Configuration);

var app = builder.Build();
app.MapOrchestrationHealth();
app.Run();
