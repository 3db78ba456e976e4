// The Gateway is the platform's edge: the staff REST API over its read models, and the providers' signed webhooks,
// each turned once into the command or event it means.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddGatewayEndpoint(builder.Configuration);

var app = builder.Build();
app.UseGatewayPipeline();
app.MapGatewayEndpoints();
app.Run();
