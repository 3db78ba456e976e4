// Maintenance runs the work-order dispatch saga, the vendor registry, the signed dispatches to vendors and the vendor API.
using Orchestration.Endpoints.Maintenance.Vendors;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddMaintenanceEndpoint(builder.Configuration);

var app = builder.Build();
app.UseExceptionHandler();
app.MapOrchestrationHealth();
app.MapVendorApi();
app.Run();
