// Operations hosts the durable scheduler every endpoint's timeouts and delayed retries go through, and the failed-message workbench.
using Orchestration.Endpoints.Operations.FailedMessages;

var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOrchestrationEndpoint(builder.Configuration, "operations", x => x.AddFailedMessageConsumers()).AddFailedMessages(builder.Configuration);

var app = builder.Build();
app.MapOrchestrationHealth();
app.Run();
