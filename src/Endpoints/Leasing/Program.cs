using Orchestration.Endpoints.Leasing;
using Orchestration.Messages;
using Orchestration.Platform.Hosting;
using Orchestration.Platform.Sagas;
using Orchestration.Sagas.Leasing;

// Leasing runs the lease-signing saga and does the I/O it asks for: screening, e-signature and unit holds.
var builder = WebApplication.CreateBuilder(args);
CommandRouting.Map(CommandRoutes.Queues);
builder.Services.AddSingleton(builder.Configuration.GetSection(LeasingOptions.Section).Get<LeaseSigningOptions>() ?? new LeaseSigningOptions());
builder.Services.AddOrchestrationEndpoint(builder.Configuration, "leasing", x =>
{
    x.AddSagaStateMachine<LeaseSigningStateMachine, LeaseSigningState>().SqlRepository();
    x.AddLeasingConsumers();
});
builder.Services.AddLeasingServices(builder.Configuration);

var app = builder.Build();
app.MapOrchestrationHealth();
app.Run();
