using Microsoft.Extensions.Hosting;

namespace Orchestration.Platform.Storage;

/// <summary>One versioned change to an endpoint schema. Ids are applied once, in registration order.</summary>
public sealed record SchemaMigration(string Id, Func<SqlStorage, string> Sql)
{
    /// <summary>A migration whose SQL also names the dialect's types, such as <see cref="SqlDialect.UuidType"/>.</summary>
    public SchemaMigration(string id, Func<SqlStorage, SqlDialect, string> sql)
        : this(id, s => sql(s, s.Dialect))
    {
    }
}

/// <summary>
/// Applies the endpoint's migrations at start-up, before the bus starts. All of them run in one transaction
/// under a database-wide lock per schema, so instances starting together apply each migration exactly once.
/// </summary>
/// <remarks>The clock only stamps <c>applied_at</c>; without one (a tool or test migrating a schema on its own) it is the system's.</remarks>
public sealed class SchemaMigrator(SqlStorage storage, IEnumerable<SchemaMigration> migrations, ILogger<SchemaMigrator> logger,
    TimeProvider? time = null) : IHostedService
{
    readonly TimeProvider _time = time ?? TimeProvider.System;

    public Task StartAsync(CancellationToken cancellationToken) => MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var dialect = storage.Dialect;
        await using var connection = await storage.OpenConnectionAsync(cancellationToken);
        await dialect.PrepareDatabaseAsync(connection, cancellationToken);

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await dialect.LockForMigrationAsync(connection, transaction, storage.Schema, cancellationToken);
        await dialect.CreateSchemaAsync(connection, transaction, storage.Schema, cancellationToken);

        var history = storage.Table("schema_migrations");
        await using (var create = connection.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText = $"CREATE TABLE IF NOT EXISTS {history} (id text PRIMARY KEY, applied_at bigint NOT NULL)";
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        var applied = new HashSet<string>(StringComparer.Ordinal);
        await using (var select = connection.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = $"SELECT id FROM {history}";
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
                applied.Add(reader.GetString(0));
        }

        foreach (var migration in migrations.DistinctBy(m => m.Id))
        {
            if (applied.Contains(migration.Id))
                continue;

            await using (var apply = connection.CreateCommand())
            {
                apply.Transaction = transaction;
                apply.CommandText = migration.Sql(storage);
                await apply.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var record = connection.CreateCommand())
            {
                record.Transaction = transaction;
                record.CommandText = $"INSERT INTO {history} (id, applied_at) VALUES (@id, @at)";
                record.With("@id", migration.Id).With("@at", _time.GetUtcNow().ToUnixTimeMilliseconds());
                await record.ExecuteNonQueryAsync(cancellationToken);
            }

            logger.LogInformation("Applied migration {MigrationId} to schema {Schema} ({Dialect})", migration.Id, storage.Schema, storage.Dialect.Name);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
