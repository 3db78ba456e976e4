using Orchestration.Platform.Hosting;
using Orchestration.Platform.Sagas;
using Orchestration.Platform.Storage;
using Orchestration.TestEndpoint;

// An endpoint built from the platform exactly as product endpoints are, with probes whose effects tests can count.
var builder = WebApplication.CreateBuilder(args);
builder.Services.AddSingleton(new SchemaMigration("test_effects_0001", s =>
    $"CREATE TABLE {s.Table("effects")} (effect_id {s.Dialect.UuidType} NOT NULL, kind text NOT NULL)"));
builder.Services.AddOrchestrationEndpoint(builder.Configuration, "probe", x =>
{
    x.AddSagaStateMachine<ProbeStateMachine, ProbeState>().SqlRepository();
    x.AddConsumer<RecordEffectConsumer>();
    x.AddConsumer<EffectRecordedConsumer>();
    x.AddConsumer<AlwaysFailConsumer>();
});

var app = builder.Build();
app.MapOrchestrationHealth();
app.Run();
