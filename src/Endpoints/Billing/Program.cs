using Orchestration.Endpoints.Billing;
using Orchestration.Platform.Hosting;

// Billing charges and refunds move-in funds through the payment gateway; outcomes arrive by webhook at the Gateway.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOrchestrationEndpoint(builder.Configuration, "billing", x => x.AddBillingConsumers());
builder.Services.AddBillingServices(builder.Configuration);

var app = builder.Build();
app.MapOrchestrationHealth();
app.Run();
