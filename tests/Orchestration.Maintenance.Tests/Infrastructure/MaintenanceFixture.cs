namespace Orchestration.Maintenance.Tests.Infrastructure;

/// <summary>
/// The Maintenance endpoint as its host builds it (the dispatch saga and the vendor registry), in this process on a
/// database of its own, with no retries (a failure shows at once), recording the registry's answers and the saga's steps.
/// </summary>
public abstract class MaintenanceFixture(string provider) : HostFixture<InProcessEndpoint>(() => InProcessEndpoint.StartAsync(new EndpointSetup
{
    Name = "maintenance",
    Database = TestDatabase.Create(provider, "maintenance"),
    Settings =
    {
        ["Recoverability:ImmediateRetries"] = "0",
        ["Recoverability:DelayedRetries"] = "",
        ["Maintenance:Dispatch:Resilience:MaxAttempts"] = "1",
        [VendorSecretSeal.Setting] = MaintenanceFixture.SealingKey,
    },
    Consumers = x =>
    {
        x.AddMaintenanceDispatchSaga();
        x.AddMaintenanceConsumers();
    },
    Services = builder => builder.Services.AddMaintenanceDispatch(builder.Configuration).AddMaintenanceServices(builder.Configuration),
    Pipeline = app => app.MapVendorApi(),
    Records = [typeof(VendorChosen), typeof(NoVendorAvailable), typeof(WorkOrderProgressed)],
}))
{
    /// <summary>The key the registry opens vendors' signing secrets with, as the Gateway would seal them; made up for the run.</summary>
    public static readonly string SealingKey = $"vseal_{Guid.NewGuid():N}";

    public sealed class OnSqlite() : MaintenanceFixture(TestDatabase.Sqlite);

    public sealed class OnPostgres() : MaintenanceFixture(TestDatabase.Postgres);
}

/// <summary>A test class of the Maintenance endpoint: its tests share one endpoint per engine, each on vendors and work orders of its own.</summary>
public abstract class MaintenanceTest(MaintenanceFixture fixture)
{
    protected InProcessEndpoint Host { get; } = fixture.Host;
}
