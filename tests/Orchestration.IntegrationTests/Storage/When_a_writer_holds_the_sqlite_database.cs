using System.Diagnostics;

namespace Orchestration.IntegrationTests.Storage;

/// <summary>
/// SQLite has one write lock for the whole file. A request that only reads must not queue behind a handler holding it
/// (for example while a provider takes its time to answer).
/// </summary>
public sealed class When_a_writer_holds_the_sqlite_database : IAsyncLifetime
{
    readonly string _file = Path.Combine(Path.GetTempPath(), $"orchestration-readers-{Guid.NewGuid():N}.db");
    SqlStorage _storage = null!;

    public async Task InitializeAsync()
    {
        _storage = TestServers.Sqlite("readers", _file);
        await new SchemaMigrator(_storage, [PlatformMigrations.Messaging], NullLogger<SchemaMigrator>.Instance).MigrateAsync(CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        TestDatabase.DeleteSqliteFiles(_file);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Should_read_at_once_in_a_read_transaction()
    {
        await using var writer = new SqlSession(_storage);
        await writer.BeginAsync(CancellationToken.None);
        await using (var insert = writer.CreateCommand($"INSERT INTO {_storage.Table("outbox_state")} (outbox_id, created) VALUES (@id, 1)"))
            await insert.With("@id", Guid.NewGuid()).ExecuteNonQueryAsync();

        await using var reader = new SqlSession(_storage);
        var timer = Stopwatch.StartNew();
        await reader.BeginReadAsync(CancellationToken.None);
        await using (var count = reader.CreateCommand($"SELECT COUNT(*) FROM {_storage.Table("outbox_state")}"))
            Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(0);
        await reader.CommitAsync(CancellationToken.None);

        // A transaction that takes the write lock would wait the 30-s busy timeout here.
        timer.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        await writer.CommitAsync(CancellationToken.None);
    }
}
