namespace Orchestration.IntegrationTests.Storage;

public sealed class On_SQLite : StorageContract
{
    readonly string _file = Path.Combine(Path.GetTempPath(), $"orchestration-contract-{Guid.NewGuid():N}.db");
    readonly string _emptyFile = Path.Combine(Path.GetTempPath(), $"orchestration-contract-{Guid.NewGuid():N}.db");

    protected override SqlStorage CreateStorage() => TestServers.Sqlite("contract", _file);

    protected override SqlStorage CreateEmptyStorage() => TestServers.Sqlite("contract", _emptyFile);

    public override Task DisposeAsync()
    {
        TestDatabase.DeleteSqliteFiles(_file, _emptyFile);
        return Task.CompletedTask;
    }
}
