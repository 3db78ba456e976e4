// Operations hosts the durable scheduler every endpoint's timeouts and delayed retries go through, the failed-message
// workbench, and watches the endpoints: their heartbeats and custom checks, and the alerts they raise.
using Orchestration.Endpoints.Operations.FailedMessages;
using Orchestration.Endpoints.Operations.Monitoring;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOrchestrationEndpoint(builder.Configuration, "operations", x =>
    {
        x.AddFailedMessageConsumers();
        x.AddOperationsMonitoringConsumers();
    })
    .AddFailedMessages(builder.Configuration);
builder.Services.AddOperationsMonitoring(builder.Configuration);

var app = builder.Build();
app.MapOrchestrationHealth();
app.Run();
