using Microsoft.Data.Sqlite;

namespace Orchestration.IntegrationTests.Storage;

/// <summary>
/// In the standalone mode every consumer, poller and request opens its own SQLite connection, many at the same moment.
/// Each must get a native connection of its own: two units of work sharing one would share one transaction, so one's
/// rollback or commit would take the other's writes with it.
/// </summary>
public sealed class When_many_sqlite_connections_open_at_once : IDisposable
{
    const int Openers = 16;

    // Without the fix, 16 concurrent opens shared a native connection within a few hundred waves at most.
    const int Waves = 500;

    readonly string _file = Path.Combine(Path.GetTempPath(), $"orchestration-opens-{Guid.NewGuid():N}.db");

    public void Dispose() => TestDatabase.DeleteSqliteFiles(_file);

    [Fact]
    public async Task Should_give_every_open_a_native_connection_of_its_own()
    {
        var storage = TestServers.Sqlite("opens", _file);
        // Each wave starts from an empty pool, as when the load grows past what the pool holds: then the pool makes new
        // connections and looks for leaked ones while others are being handed out.
        for (var wave = 1; wave <= Waves; wave++)
        {
            using (var pooled = (SqliteConnection)storage.Dialect.CreateConnection(storage.ConnectionString))
                SqliteConnection.ClearPool(pooled);

            var start = new Barrier(Openers);
            var opened = await Task.WhenAll(Enumerable.Range(0, Openers).Select(_ => Task.Factory.StartNew(() =>
            {
                start.SignalAndWait();
                return storage.OpenConnectionAsync(CancellationToken.None).GetAwaiter().GetResult();
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
            try
            {
                opened.Select(c => ((SqliteConnection)c).Handle!.DangerousGetHandle()).Distinct().Count()
                    .ShouldBe(Openers, $"wave {wave}: {Openers} connections opened at once share native connections");
            }
            finally
            {
                foreach (var connection in opened)
                    await connection.DisposeAsync();
            }
        }
    }
}
