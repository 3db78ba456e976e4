namespace Orchestration.IntegrationTests.Storage;

public sealed class Parking_on_PostgreSQL : ParkingContract
{
    readonly string _schema = TestServers.NewSchema("parking");

    protected override SqlStorage CreateStorage() => TestServers.Postgres(_schema);

    public override Task DisposeAsync() => TestServers.DropSchemaAsync(_schema);
}
