using System.Data.Common;

namespace Orchestration.Platform.Storage;

public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary><c>Postgres</c> or <c>Sqlite</c>.</summary>
    public string Provider { get; set; } = "Sqlite";

    public string ConnectionString { get; set; } = "Data Source=orchestration.db";

    /// <summary>The endpoint's own schema: every table the endpoint owns lives there.</summary>
    public string Schema { get; set; } = "orchestration";
}

/// <summary>The endpoint's database: its dialect, connection string and schema.</summary>
public sealed class SqlStorage
{
    public SqlStorage(SqlDialect dialect, string connectionString, string schema)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new ArgumentException("A storage connection string is required (Storage:ConnectionString).", nameof(connectionString));
        if (string.IsNullOrWhiteSpace(schema) || !schema.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            throw new ArgumentException($"Schema '{schema}' must be lower-case letters, digits and underscores (Storage:Schema).", nameof(schema));

        Dialect = dialect;
        ConnectionString = dialect.WithDefaults(connectionString);
        Schema = schema;
    }

    public static SqlStorage From(StorageOptions options) =>
        new(SqlDialect.For(options.Provider), options.ConnectionString, options.Schema);

    public SqlDialect Dialect { get; }
    public string ConnectionString { get; }
    public string Schema { get; }

    public string Table(string name) => Dialect.Table(Schema, name);

    public async Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = Dialect.CreateConnection(ConnectionString);
        try
        {
            await Dialect.OpenAsync(connection, cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>One statement on a connection of its own, outside any transaction; returns how many rows it changed.</summary>
    public async Task<int> ExecuteAsync(string sql, Action<DbCommand> parameters, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        parameters(command);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
