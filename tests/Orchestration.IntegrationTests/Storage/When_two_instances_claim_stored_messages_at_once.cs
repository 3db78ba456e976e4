using System.Data.Common;

namespace Orchestration.IntegrationTests.Storage;

// PostgreSQL only: on SQLite one writer holds the whole database, so there is nothing to skip.
public sealed class When_two_instances_claim_stored_messages_at_once : IAsyncLifetime
{
    readonly string _schema = TestServers.NewSchema("claims");
    SqlStorage _storage = null!;

    public async Task InitializeAsync()
    {
        _storage = TestServers.Postgres(_schema);
        await new SchemaMigrator(_storage, PlatformMigrations.All, NullLogger<SchemaMigrator>.Instance).MigrateAsync(default);
    }

    public Task DisposeAsync() => TestServers.DropSchemaAsync(_schema);

    // A claimer that waited for the other's lock instead of skipping it would hang here, not return.
    static CancellationToken Soon() => new CancellationTokenSource(TimeSpan.FromSeconds(5)).Token;

    [Fact]
    public async Task Should_give_each_bus_outbox_transaction_to_one_of_them_without_waiting()
    {
        var store = new OutboxStore(_storage);
        var (first, second) = (NewId.NextGuid(), NewId.NextGuid());
        await StoredRows.InsertOutboxStatesAsync(_storage, (first, 1_000), (second, 2_000));

        await using var a = await _storage.OpenConnectionAsync(default);
        await using var b = await _storage.OpenConnectionAsync(default);
        await using var c = await _storage.OpenConnectionAsync(default);
        await using var ta = await a.BeginTransactionAsync();
        await using var tb = await b.BeginTransactionAsync();
        await using var tc = await c.BeginTransactionAsync();

        (await store.ClaimOutboxAsync(a, ta, 10_000, Soon())).ShouldBe((first, 0));
        (await store.ClaimOutboxAsync(b, tb, 10_000, Soon())).ShouldBe((second, 0));
        (await store.ClaimOutboxAsync(c, tc, 10_000, Soon())).ShouldBeNull();

        await store.CompleteOutboxDeliveryAsync(a, ta, first, default);
        await ta.CommitAsync();
        await tb.RollbackAsync();
        await using var again = await a.BeginTransactionAsync();
        (await store.ClaimOutboxAsync(a, again, 10_000, Soon())).ShouldBe((second, 0), "the claim of an instance that gave up is free again");
    }

    [Fact]
    public async Task Should_give_each_crash_left_output_to_one_of_them_without_waiting()
    {
        var store = new OutboxStore(_storage);
        var consumer = NewId.NextGuid();
        var (first, second) = (NewId.NextGuid(), NewId.NextGuid());
        await StoredRows.InsertCrashLeftAsync(_storage, consumer, () => [], (first, 1_000), (second, 2_000));

        var claimers = new List<(DbConnection Connection, DbTransaction Transaction)>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var connection = await _storage.OpenConnectionAsync(default);
                claimers.Add((connection, await connection.BeginTransactionAsync()));
            }

            var claimed = new List<Guid?>();
            foreach (var (connection, transaction) in claimers)
                claimed.Add((await store.ClaimOrphanAsync(connection, transaction, consumedBefore: 5_000, now: 10_000, Soon()))?.MessageId);
            claimed.ShouldBe([first, second, null]);
        }
        finally
        {
            foreach (var (connection, transaction) in claimers)
            {
                await transaction.DisposeAsync();
                await connection.DisposeAsync();
            }
        }
    }
}
