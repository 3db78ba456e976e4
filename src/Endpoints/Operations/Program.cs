// Operations hosts the durable scheduler every endpoint's timeouts and delayed retries go through.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddOrchestrationEndpoint(builder.Configuration, "operations", _ => { });

var app = builder.Build();
app.MapOrchestrationHealth();
app.Run();
