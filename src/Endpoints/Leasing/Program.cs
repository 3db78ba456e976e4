using Orchestration.Endpoints.Leasing;
using Orchestration.Platform.Hosting;

// Leasing does the I/O the lease-signing saga asks for: screening, e-signature and unit holds.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOrchestrationEndpoint(builder.Configuration, "leasing", x => x.AddLeasingConsumers());
builder.Services.AddLeasingServices(builder.Configuration);

var app = builder.Build();
app.MapOrchestrationHealth();
app.Run();
