using Microsoft.Extensions.Logging.Abstractions;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Platform.Storage;

namespace Orchestration.Billing.Tests.Ledger;

/// <summary>Billing's schema, migrated as the endpoint migrates it, on a database of the test's own, with the ledger's store.</summary>
public sealed class LedgerDatabase : IAsyncDisposable
{
    LedgerDatabase(TestDatabase database)
    {
        Database = database;
        Store = new LedgerStore(database.Storage);
    }

    public TestDatabase Database { get; }
    public LedgerStore Store { get; }

    public static async Task<LedgerDatabase> CreateAsync(string provider)
    {
        var database = TestDatabase.Create(provider, "billing_ledger");
        await new SchemaMigrator(database.Storage,
                [BillingMigrations.Tables, BillingMigrations.Cancellations, BillingMigrations.PaymentPages, BillingMigrations.LedgerEntries],
                NullLogger<SchemaMigrator>.Instance)
            .MigrateAsync(CancellationToken.None);
        return new LedgerDatabase(database);
    }

    /// <summary>Runs <paramref name="work"/> in one committed transaction, as a handler does.</summary>
    public async Task<T> InTransactionAsync<T>(Func<SqlSession, Task<T>> work)
    {
        await using var session = new SqlSession(Database.Storage);
        await session.BeginAsync(CancellationToken.None);
        var result = await work(session);
        await session.CommitAsync(CancellationToken.None);
        return result;
    }

    /// <summary>One statement, as anyone with access to the database could run it, outside the product's code.</summary>
    public Task<int> ExecuteAsync(string sql) => Database.Storage.ExecuteAsync(sql, _ => { }, CancellationToken.None);

    public string Table => Database.Storage.Table("ledger_entries");

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}
