// Billing charges and refunds move-in funds through the payment gateway; outcomes arrive by webhook at the Gateway.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddBillingEndpoint(builder.Configuration);

var app = builder.Build();
app.MapOrchestrationHealth();
app.Run();
