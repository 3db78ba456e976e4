using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Npgsql;
using RabbitMQ.Client;

namespace Orchestration.Benchmarks;

/// <summary>
/// The PostgreSQL and RabbitMQ on 127.0.0.1 the run measures, from the variables scripts/services.sh exports, and the
/// run's own virtual host and schemas on them, so nothing it does touches anyone else's queues or rows.
/// </summary>
public sealed class Servers
{
    public string PgHost { get; } = Env("PGHOST", "127.0.0.1");
    public int PgPort { get; } = int.Parse(Env("PGPORT", "5432"), CultureInfo.InvariantCulture);
    public string PgUser { get; } = Env("PGUSER", "orchestration");
    public string PgPassword { get; } = Env("PGPASSWORD", "orchestration");
    public string PgDatabase { get; } = Env("PGDATABASE", "orchestration");
    public string RabbitHost { get; } = Env("RABBITMQ_HOST", "127.0.0.1");
    public ushort RabbitPort { get; } = ushort.Parse(Env("RABBITMQ_PORT", "5672"), CultureInfo.InvariantCulture);
    public string RabbitUser { get; } = Env("RABBITMQ_USER", "orchestration");
    public string RabbitPassword { get; } = Env("RABBITMQ_PASS", "orchestration");
    public int RabbitManagementPort { get; } = int.Parse(Env("RABBITMQ_MANAGEMENT_PORT", "15672"), CultureInfo.InvariantCulture);

    /// <summary>A short id shared by the run's virtual host and schemas.</summary>
    public string RunId { get; } = Guid.NewGuid().ToString("N")[..8];

    public string VirtualHost => $"bench-{RunId}";

    public string Schema(string purpose) => $"bench_{RunId}_{purpose}";

    public string PostgresConnectionString(string extraOptions = "", int? maxPoolSize = null)
    {
        var builder = new NpgsqlConnectionStringBuilder(extraOptions)
        {
            Host = PgHost,
            Port = PgPort,
            Username = PgUser,
            Password = PgPassword,
            Database = PgDatabase,
        };
        if (maxPoolSize is { } size)
            builder.MaxPoolSize = size;
        return builder.ConnectionString;
    }

    public ConnectionFactory RabbitFactory(int consumerDispatchConcurrency = 1) => new()
    {
        HostName = RabbitHost,
        Port = RabbitPort,
        VirtualHost = VirtualHost,
        UserName = RabbitUser,
        Password = RabbitPassword,
        ConsumerDispatchConcurrency = (ushort)consumerDispatchConcurrency,
    };

    public async Task CreateVirtualHostAsync(CancellationToken cancellationToken)
    {
        using var client = Management();
        (await client.PutAsync($"/api/vhosts/{VirtualHost}", Json("{}"), cancellationToken)).EnsureSuccessStatusCode();
        (await client.PutAsync($"/api/permissions/{VirtualHost}/{Uri.EscapeDataString(RabbitUser)}",
            Json("""{"configure":".*","write":".*","read":".*"}"""), cancellationToken)).EnsureSuccessStatusCode();
    }

    public async Task DeleteVirtualHostAsync()
    {
        using var client = Management();
        await client.DeleteAsync($"/api/vhosts/{VirtualHost}");
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(PostgresConnectionString());
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Drops every schema of this run (a schema name is never built from input).</summary>
    public async Task DropSchemasAsync()
    {
        await using var connection = new NpgsqlConnection(PostgresConnectionString());
        await connection.OpenAsync();
        var schemas = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT nspname FROM pg_namespace WHERE nspname LIKE @prefix", connection))
        {
            list.Parameters.AddWithValue("prefix", $"bench\\_{RunId}\\_%");
            await using var reader = await list.ExecuteReaderAsync();
            while (await reader.ReadAsync())
                schemas.Add(reader.GetString(0));
        }

        foreach (var schema in schemas)
        {
            await using var drop = new NpgsqlCommand($"DROP SCHEMA \"{schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    HttpClient Management()
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://{RabbitHost}:{RabbitManagementPort}"), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RabbitUser}:{RabbitPassword}")));
        return client;
    }

    static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
