namespace Orchestration.IntegrationTests.Storage;

public sealed class On_PostgreSQL : StorageContract
{
    readonly string _schema = TestServers.NewSchema("contract");
    readonly string _emptySchema = TestServers.NewSchema("contract");

    protected override SqlStorage CreateStorage() => TestServers.Postgres(_schema);

    protected override SqlStorage CreateEmptyStorage() => TestServers.Postgres(_emptySchema);

    public override async Task DisposeAsync()
    {
        await TestServers.DropSchemaAsync(_schema);
        await TestServers.DropSchemaAsync(_emptySchema);
    }
}
