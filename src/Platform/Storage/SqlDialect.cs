using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Orchestration.Platform.Storage;

/// <summary>
/// Everything that differs between the SQL engines the platform stores its state in. SQL elsewhere is
/// written once against the common subset both engines share (INSERT ... ON CONFLICT, RETURNING, LIMIT).
/// </summary>
public abstract class SqlDialect
{
    public abstract string Name { get; }

    public abstract DbConnection CreateConnection(string connectionString);

    /// <summary>Opens a connection <see cref="CreateConnection"/> made; every connection the platform uses is opened here.</summary>
    public virtual Task OpenAsync(DbConnection connection, CancellationToken cancellationToken) => connection.OpenAsync(cancellationToken);

    /// <summary>The same as <see cref="OpenAsync"/>, for callers that cannot wait asynchronously.</summary>
    public virtual void Open(DbConnection connection) => connection.Open();

    /// <summary>Applies the platform's defaults to a configured connection string, once, when storage is set up.</summary>
    public virtual string WithDefaults(string connectionString) => connectionString;

    /// <summary>Qualified name of a table owned by an endpoint schema.</summary>
    public abstract string Table(string schema, string table);

    public abstract string UuidType { get; }
    public abstract string JsonType { get; }
    public abstract string IdentityColumn { get; }

    /// <summary>Wraps a parameter so the engine stores it as its JSON type.</summary>
    public abstract string JsonValue(string parameter);

    /// <summary>Row lock for a SELECT inside a transaction; empty where the transaction already locks the database.</summary>
    public abstract string ForUpdate { get; }

    /// <summary>Row lock that skips rows another instance holds, so several instances can claim work.</summary>
    public abstract string ForUpdateSkipLocked { get; }

    /// <summary>Once per process, outside any transaction, before the first migration.</summary>
    public virtual Task PrepareDatabaseAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public abstract Task CreateSchemaAsync(DbConnection connection, DbTransaction transaction, string schema, CancellationToken cancellationToken);

    /// <summary>Serializes schema migrations across processes starting at the same moment.</summary>
    public abstract Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, string schema, CancellationToken cancellationToken);

    /// <summary>A transaction that only reads: it sees one moment of the data and takes no lock a writer waits for.</summary>
    public virtual async Task<DbTransaction> BeginReadTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        await connection.BeginTransactionAsync(cancellationToken);

    /// <summary>True for failures that a retry of the whole transaction can resolve (conflicts, deadlocks, busy database).</summary>
    public abstract bool IsTransient(Exception exception);

    public static SqlDialect For(string provider) => provider.ToLowerInvariant() switch
    {
        "postgres" or "postgresql" or "npgsql" => PostgresDialect.Instance,
        "sqlite" => SqliteDialect.Instance,
        _ => throw new ArgumentException($"Unknown storage provider '{provider}'. Use 'Postgres' or 'Sqlite'.", nameof(provider)),
    };
}

public sealed class PostgresDialect : SqlDialect
{
    public static readonly PostgresDialect Instance = new();

    public override string Name => "Postgres";
    public override DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);

    // Unless configured otherwise: no DISCARD ALL when a pooled connection is returned (the platform keeps no
    // session state; its only lock is transaction-scoped), and the hot statements prepared on each connection.
    // Together they halve the database work per handled message.
    public override string WithDefaults(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var configured = connectionString.ToLowerInvariant().Replace(" ", "", StringComparison.Ordinal);
        if (!configured.Contains("noresetonclose", StringComparison.Ordinal))
            builder.NoResetOnClose = true;
        if (!configured.Contains("maxautoprepare", StringComparison.Ordinal))
            builder.MaxAutoPrepare = 32;
        return builder.ConnectionString;
    }
    public override string Table(string schema, string table) => $"\"{schema}\".\"{table}\"";
    public override string UuidType => "uuid";
    public override string JsonType => "jsonb";
    public override string IdentityColumn => "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY";
    public override string JsonValue(string parameter) => $"CAST({parameter} AS jsonb)";
    public override string ForUpdate => "FOR UPDATE";
    public override string ForUpdateSkipLocked => "FOR UPDATE SKIP LOCKED";

    public override async Task CreateSchemaAsync(DbConnection connection, DbTransaction transaction, string schema, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"CREATE SCHEMA IF NOT EXISTS \"{schema}\"";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override async Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, string schema, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT pg_advisory_xact_lock(hashtext(@key))";
        command.Parameters.Add(new NpgsqlParameter("key", "orchestration-migrations:" + schema));
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public override bool IsTransient(Exception exception) => exception switch
    {
        PostgresException { SqlState: "40001" or "40P01" or "23505" or "55P03" } => true,
        NpgsqlException { IsTransient: true } => true,
        _ => exception.InnerException is not null && IsTransient(exception.InnerException),
    };
}

public sealed class SqliteDialect : SqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public override string Name => "Sqlite";

    public override DbConnection CreateConnection(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DefaultTimeout < 30)
            builder.DefaultTimeout = 30; // also the busy timeout: writers queue instead of failing
        return new SqliteConnection(builder.ToString());
    }

    // Microsoft.Data.Sqlite takes a pooled connection under the pool's lock but marks it as owned only afterwards, in two
    // steps. An open that comes in between finds it "active without an owner", takes it back as leaked and hands the same
    // native connection to a second owner: two units of work then share one connection and one transaction. Opening one
    // connection at a time closes that window; a pooled open costs microseconds, and SQLite writes one at a time anyway.
    static readonly Lock Opening = new();

    public override Task OpenAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Open(connection);
        return Task.CompletedTask;
    }

    public override void Open(DbConnection connection)
    {
        lock (Opening)
            connection.Open();
    }

    // SQLite has no schemas inside one file; the endpoint schema becomes a table-name prefix.
    public override string Table(string schema, string table) => $"\"{schema}_{table}\"";
    public override string UuidType => "BLOB";
    public override string JsonType => "TEXT";
    public override string IdentityColumn => "INTEGER PRIMARY KEY AUTOINCREMENT";
    public override string JsonValue(string parameter) => parameter;

    // Microsoft.Data.Sqlite begins transactions IMMEDIATE: the writer holds the database lock, so rows need no lock of their own.
    public override string ForUpdate => "";
    public override string ForUpdateSkipLocked => "";

    // Write-ahead logging lets readers (health checks, the portal) run while a handler holds the write lock.
    public override async Task PrepareDatabaseAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode=WAL";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public override Task CreateSchemaAsync(DbConnection connection, DbTransaction transaction, string schema, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    public override Task LockForMigrationAsync(DbConnection connection, DbTransaction transaction, string schema, CancellationToken cancellationToken) =>
        Task.CompletedTask;

    // A deferred transaction that never writes takes no write lock: under WAL it reads a snapshot while a writer works.
    public override Task<DbTransaction> BeginReadTransactionAsync(DbConnection connection, CancellationToken cancellationToken) =>
        Task.FromResult<DbTransaction>(((SqliteConnection)connection).BeginTransaction(deferred: true));

    public override bool IsTransient(Exception exception) => exception switch
    {
        SqliteException { SqliteErrorCode: 5 or 6 } => true,
        _ => exception.InnerException is not null && IsTransient(exception.InnerException),
    };
}
