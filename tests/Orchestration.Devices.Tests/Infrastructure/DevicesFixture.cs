namespace Orchestration.Devices.Tests.Infrastructure;

/// <summary>
/// The Devices endpoint as its host builds it, in this process on a database of its own (a SQLite file, or a PostgreSQL
/// schema), with no retries (a failure shows at once), recording the access codes it announces.
/// </summary>
public abstract class DevicesFixture(string provider) : HostFixture<InProcessEndpoint>(() => InProcessEndpoint.StartAsync(new EndpointSetup
{
    Name = "devices",
    Database = TestDatabase.Create(provider, "devices"),
    Settings = { ["Recoverability:ImmediateRetries"] = "0", ["Recoverability:DelayedRetries"] = "" },
    Consumers = x => x.AddDevicesConsumers(),
    Services = builder => builder.Services.AddDevicesServices(builder.Configuration),
    Records = [typeof(AccessCodeIssued)],
}))
{
    public sealed class OnSqlite() : DevicesFixture(TestDatabase.Sqlite);

    public sealed class OnPostgres() : DevicesFixture(TestDatabase.Postgres);
}
