// Every enabled simulator on its own loopback port until Ctrl+C. Settings come from the environment
// (Simulators__Payments__Url=...) or the command line (--Simulators:Payments:Url=...); the defaults live in the
// options classes. There is no appsettings.json: a project referencing this one (the Standalone endpoint) would
// then publish two files of that name.
var builder = Host.CreateApplicationBuilder(args);
// Per-request framework logs would drown the simulators' own.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning).AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
builder.Services.AddSimulators(builder.Configuration);
await builder.Build().RunAsync();
