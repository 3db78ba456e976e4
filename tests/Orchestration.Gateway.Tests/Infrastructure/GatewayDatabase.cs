using System.Data.Common;
using Npgsql;
using Orchestration.Platform.Storage;

namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>
/// A database of one test's own: a fresh schema in the real PostgreSQL (from the PG* variables scripts/services.sh exports),
/// or a fresh SQLite file. It outlives the Gateway hosts started on it, so a test can restart the Gateway on the same data.
/// </summary>
public sealed class GatewayDatabase : IAsyncDisposable
{
    public const string Postgres = "Postgres";
    public const string Sqlite = "Sqlite";

    /// <summary>For <c>[MemberData]</c>: every test of stored behaviour runs on both engines.</summary>
    public static TheoryData<string> Providers => [Postgres, Sqlite];

    GatewayDatabase(string provider, string connectionString, string schema, string? file)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Schema = schema;
        File = file;
        Storage = new SqlStorage(SqlDialect.For(provider), connectionString, schema);
    }

    public string Provider { get; }
    public string ConnectionString { get; }
    public string Schema { get; }
    public SqlStorage Storage { get; }
    string? File { get; }

    public static GatewayDatabase Create(string provider)
    {
        var schema = $"gwsec_{Guid.NewGuid():N}"[..22];
        if (provider == Postgres)
            return new GatewayDatabase(provider, PostgresConnectionString(), schema, null);

        var file = Path.Combine(Path.GetTempPath(), $"gateway-security-{Guid.NewGuid():N}.db");
        return new GatewayDatabase(provider, $"Data Source={file}", schema, file);
    }

    static string PostgresConnectionString()
    {
        static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
        return new NpgsqlConnectionStringBuilder
        {
            Host = Env("PGHOST", "127.0.0.1"),
            Port = int.Parse(Env("PGPORT", "5432"), System.Globalization.CultureInfo.InvariantCulture),
            Username = Env("PGUSER", "orchestration"),
            Password = Env("PGPASSWORD", "orchestration"),
            Database = Env("PGDATABASE", "orchestration"),
        }.ConnectionString;
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
        if (Provider == Postgres)
        {
            await using var connection = new NpgsqlConnection(ConnectionString);
            await connection.OpenAsync();
            await using DbCommand drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
            return;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { File!, File + "-wal", File + "-shm" })
            System.IO.File.Delete(file);
    }
}
