// Devices is the device gateway: MQTT ingestion of locks, leak sensors and thermostats, their registry, and access codes sent to locks.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddDevicesEndpoint(builder.Configuration);

var app = builder.Build();
app.MapOrchestrationHealth();
app.Run();
