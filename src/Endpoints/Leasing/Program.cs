// Leasing runs the lease-signing saga and does the I/O it asks for: screening, e-signature and unit holds.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddLeaseSigning(builder.Configuration);
builder.Services.AddOrchestrationEndpoint(builder.Configuration, "leasing", x =>
{
    x.AddLeaseSigningSaga();
    x.AddLeasingConsumers();
});
builder.Services.AddLeasingServices(builder.Configuration);

var app = builder.Build();
app.MapOrchestrationHealth();
app.Run();
