using Microsoft.Data.Sqlite;
using Orchestration.Platform.Storage;

namespace Orchestration.Testing;

/// <summary>
/// A database of one test's own: a fresh schema in the real PostgreSQL (from the PG* variables scripts/services.sh
/// exports), or a fresh SQLite file. It can outlive the endpoints started on it, so a test can restart an endpoint on
/// the same data; disposing it drops the schema or deletes the file.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    public const string Postgres = "Postgres";
    public const string Sqlite = "Sqlite";

    /// <summary>For <c>[MemberData]</c>: every test of stored behaviour runs on both engines.</summary>
    public static TheoryData<string> Providers => [Postgres, Sqlite];

    readonly string? _file;
    readonly string? _ownDatabase;

    TestDatabase(string provider, string connectionString, string schema, string? file, string? ownDatabase = null)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Schema = schema;
        _file = file;
        _ownDatabase = ownDatabase;
        Storage = new SqlStorage(SqlDialect.For(provider), connectionString, schema);
    }

    public string Provider { get; }
    public string ConnectionString { get; }
    public string Schema { get; }
    public SqlStorage Storage { get; }

    /// <summary>A fresh PostgreSQL schema or SQLite file; <paramref name="name"/> starts the schema's or the file's name.</summary>
    public static TestDatabase Create(string provider, string name) => provider == Postgres ? OnPostgres(name) : OnSqlite(name);

    /// <summary>A schema of its own on the PostgreSQL server the suite runs against.</summary>
    public static TestDatabase OnPostgres(string name) =>
        new(Postgres, TestServers.PostgresConnectionString, TestServers.NewSchema(name.Replace('-', '_')), null);

    /// <summary>
    /// A PostgreSQL database of its own on the suite's server, for a test that takes the database away (its connection
    /// limit, <see cref="PostgresDatabaseName"/>) without touching the other tests' schemas; dropped at the end.
    /// </summary>
    public static async Task<TestDatabase> OnOwnPostgresDatabaseAsync(string name)
    {
        var database = $"{name.Replace('-', '_')}_{Guid.NewGuid():N}"[..Math.Min(name.Length + 13, 40)];
        await using (var connection = new Npgsql.NpgsqlConnection(TestServers.PostgresConnectionString))
        {
            await connection.OpenAsync();
            await using var create = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(TestServers.PostgresConnectionString) { Database = database }.ConnectionString;
        return new TestDatabase(Postgres, connectionString, TestServers.NewSchema(name.Replace('-', '_')), null, database);
    }

    /// <summary>The PostgreSQL database the schema is in.</summary>
    public string PostgresDatabaseName => new Npgsql.NpgsqlConnectionStringBuilder(ConnectionString).Database!;

    /// <summary>A SQLite file of its own, as in the standalone mode; the schema is the endpoint's name.</summary>
    public static TestDatabase OnSqlite(string name)
    {
        var file = Path.Combine(Path.GetTempPath(), $"{name.Replace('_', '-')}-tests-{Guid.NewGuid():N}.db");
        return new TestDatabase(Sqlite, $"Data Source={file}", name.Replace('-', '_'), file);
    }

    /// <summary>Every row of one of the schema's tables, column name to value, as the database holds them.</summary>
    public async Task<IReadOnlyList<Dictionary<string, object?>>> RowsAsync(string table)
    {
        await using var connection = await Storage.OpenConnectionAsync(CancellationToken.None);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM {Storage.Table(table)}";
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<Dictionary<string, object?>>();
        while (await reader.ReadAsync())
            rows.Add(Enumerable.Range(0, reader.FieldCount).ToDictionary(reader.GetName, i => reader.IsDBNull(i) ? null : reader.GetValue(i)));
        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownDatabase is not null)
        {
            await using var connection = new Npgsql.NpgsqlConnection(TestServers.PostgresConnectionString);
            await connection.OpenAsync();
            await using var drop = new Npgsql.NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_ownDatabase}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
            return;
        }

        if (_file is null)
        {
            await TestServers.DropSchemaAsync(Schema);
            return;
        }

        DeleteSqliteFiles(_file);
    }

    /// <summary>
    /// Closes the pooled connections to SQLite files and deletes them with their companions (<c>-wal</c>, <c>-shm</c>,
    /// the in-memory transport's <c>.queues.db</c>). Only these files' pools are cleared: clearing every pool in the
    /// process would take back connections that the tests running beside are opening at that moment.
    /// </summary>
    public static void DeleteSqliteFiles(params string[] files)
    {
        foreach (var file in files)
        {
            var companions = Path.GetDirectoryName(file) is { Length: > 0 } directory && Directory.Exists(directory)
                ? Directory.GetFiles(directory, Path.GetFileNameWithoutExtension(file) + ".*")
                : [];
            foreach (var database in companions.Where(f => f.EndsWith(".db", StringComparison.Ordinal)).Append(file).Distinct())
            {
                // The platform's connections (with its defaults) and any a test opened with the plain path.
                using var platform = (SqliteConnection)SqliteDialect.Instance.CreateConnection($"Data Source={database}");
                using var plain = new SqliteConnection($"Data Source={database}");
                SqliteConnection.ClearPool(platform);
                SqliteConnection.ClearPool(plain);
            }

            foreach (var path in companions.Concat([file, file + "-wal", file + "-shm"]).Distinct())
                File.Delete(path);
        }
    }
}
