// Maintenance runs the work-order dispatch saga, the vendor registry and the signed dispatches to vendors.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddMaintenanceEndpoint(builder.Configuration);

var app = builder.Build();
app.MapOrchestrationHealth();
app.Run();
