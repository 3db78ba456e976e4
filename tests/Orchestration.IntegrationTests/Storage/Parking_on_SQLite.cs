namespace Orchestration.IntegrationTests.Storage;

public sealed class Parking_on_SQLite : ParkingContract
{
    readonly string _file = Path.Combine(Path.GetTempPath(), $"orchestration-parking-{Guid.NewGuid():N}.db");

    protected override SqlStorage CreateStorage() => TestServers.Sqlite("parking", _file);

    public override Task DisposeAsync()
    {
        TestDatabase.DeleteSqliteFiles(_file);
        return Task.CompletedTask;
    }
}
