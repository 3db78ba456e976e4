using Orchestration.Platform.Hosting;
using Orchestration.Platform.Outbox;
using Orchestration.Platform.Sagas;
using Orchestration.Platform.Storage;
using Orchestration.TestEndpoint;
using Orchestration.TestEndpoint.Contracts;

// An endpoint built from the platform exactly as product endpoints are, with probes whose effects tests can count.
// Role: "all" (default), "sagas" (probe and chain sagas, the scheduler), "workers" (the consumers) or "operations"
// (neither: only the scheduler, when Scheduler:Host is true).
var builder = WebApplication.CreateBuilder(args);
var role = builder.Configuration["Role"] ?? "all";
var sagas = role is "all" or "sagas";
var workers = role is "all" or "workers";

builder.Services.AddSingleton(new SchemaMigration("test_effects_0001", s =>
    $"CREATE TABLE {s.Table("effects")} (effect_id {s.Dialect.UuidType} NOT NULL, kind text NOT NULL)"));
builder.Services.AddSingleton(new SchemaMigration("test_chain_journal_0001", s =>
    $"CREATE TABLE {s.Table("chain_journal")} (chain_id {s.Dialect.UuidType} NOT NULL, entry text NOT NULL)"));
CommandRouting.Map(new Dictionary<Type, string> { [typeof(DoChainStep)] = "do-chain-step" });
builder.Services.AddOrchestrationEndpoint(builder.Configuration, "probe", x =>
{
    if (sagas)
    {
        x.AddSagaStateMachine<ProbeStateMachine, ProbeState>().SqlRepository();
        x.AddSagaStateMachine<ChainStateMachine, ChainState>().SqlRepository();
    }

    if (workers)
    {
        x.AddConsumer<RecordEffectConsumer>();
        x.AddConsumer<EffectRecordedConsumer>();
        x.AddConsumer<AlwaysFailConsumer>();
        x.AddConsumer<LatePublishConsumer>();
        x.AddConsumer<DoChainStepConsumer>();

        // Their effects are all rows in the handler's transaction.
        x.ClaimInboxAtCommit<RecordEffectConsumer>();
        x.ClaimInboxAtCommit<EffectRecordedConsumer>();
        x.ClaimInboxAtCommit<DoChainStepConsumer>();
    }
});

// For start-up races: the bus starts this much later than the services registered before it (the outbox sweeper, the
// scheduler's dispatcher), as on a loaded machine.
if (builder.Configuration.GetValue<TimeSpan?>("Test:BusStartDelay") is { } busStartDelay)
{
    var busHost = builder.Services.Single(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Name == "MassTransitHostedService");
    builder.Services.Insert(builder.Services.IndexOf(busHost), ServiceDescriptor.Singleton<IHostedService>(new DelayedStart(busStartDelay)));
}

var app = builder.Build();
app.MapOrchestrationHealth();

// Code outside a consumer: its own row and the event it causes commit together through the bus outbox.
app.MapPost("/effects/{id:guid}", async (Guid id, bool? crash, bool? rollbackFirst, SqlSession session, BusOutbox outbox, CancellationToken cancellationToken) =>
{
    // A first attempt that rolls back, as a caller retrying in the same scope after a serialization failure would.
    if (rollbackFirst == true)
    {
        await session.BeginAsync(cancellationToken);
        await outbox.Publish(new EffectRecorded(id), cancellationToken);
        await session.RollbackAsync();
    }

    await session.BeginAsync(cancellationToken);
    await using (var command = session.CreateCommand($"INSERT INTO {session.Storage.Table("effects")} (effect_id, kind) VALUES (@id, 'requested')"))
        await command.With("@id", id).ExecuteNonQueryAsync(cancellationToken);
    await outbox.Publish(new EffectRecorded(id), cancellationToken);
    if (crash == true)
        session.Committed += () => Environment.FailFast("Crash requested after commit");
    await session.CommitAsync(cancellationToken);
    return Results.Accepted();
});

app.Run();

sealed class DelayedStart(TimeSpan delay) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => Task.Delay(delay, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
