namespace Orchestration.IntegrationTests.Storage;

public sealed class Parking_on_SQLite : ParkingContract
{
    readonly string _file = Path.Combine(Path.GetTempPath(), $"orchestration-parking-{Guid.NewGuid():N}.db");

    protected override SqlStorage CreateStorage() => TestServers.Sqlite("parking", _file);

    public override Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _file, _file + "-wal", _file + "-shm" })
            File.Delete(file);
        return Task.CompletedTask;
    }
}
