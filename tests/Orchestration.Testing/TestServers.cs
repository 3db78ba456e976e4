using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using MassTransit;
using Npgsql;
using Orchestration.Platform.Storage;
using RabbitMQ.Client;

namespace Orchestration.Testing;

/// <summary>The real PostgreSQL and RabbitMQ the suite runs against, from the same variables scripts/test.sh exports.</summary>
public static class TestServers
{
    static string Env(string name, string fallback) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;

    public static string PostgresConnectionString => new NpgsqlConnectionStringBuilder
    {
        Host = Env("PGHOST", "127.0.0.1"),
        Port = int.Parse(Env("PGPORT", "5432"), System.Globalization.CultureInfo.InvariantCulture),
        Username = Env("PGUSER", "orchestration"),
        Password = Env("PGPASSWORD", "orchestration"),
        Database = Env("PGDATABASE", "orchestration"),
        MaxPoolSize = 20,
    }.ConnectionString;

    public static string RabbitHost => Env("RABBITMQ_HOST", "127.0.0.1");
    public static ushort RabbitPort => ushort.Parse(Env("RABBITMQ_PORT", "5672"), System.Globalization.CultureInfo.InvariantCulture);
    public static string RabbitUser => Env("RABBITMQ_USER", "orchestration");
    public static string RabbitPassword => Env("RABBITMQ_PASS", "orchestration");
    public static string RabbitManagement => $"http://{RabbitHost}:{Env("RABBITMQ_MANAGEMENT_PORT", "15672")}";

    /// <summary>A fresh schema name, so tests never see each other's rows.</summary>
    public static string NewSchema(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 40)];

    public static SqlStorage Postgres(string schema) => new(PostgresDialect.Instance, PostgresConnectionString, schema);

    public static SqlStorage Sqlite(string schema, string file) => new(SqliteDialect.Instance, $"Data Source={file}", schema);

    public static HttpClient RabbitManagementClient()
    {
        var client = new HttpClient { BaseAddress = new Uri(RabbitManagement) };
        client.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RabbitUser}:{RabbitPassword}")));
        return client;
    }

    /// <summary>A virtual host of its own for one test, so queues of parallel tests never mix.</summary>
    public static async Task<string> CreateVirtualHostAsync(string prefix)
    {
        var vhost = $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];
        using var client = RabbitManagementClient();
        (await client.PutAsync($"/api/vhosts/{vhost}", new StringContent("{}", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        (await client.PutAsync($"/api/permissions/{vhost}/{Uri.EscapeDataString(RabbitUser)}",
            new StringContent("""{"configure":".*","write":".*","read":".*"}""", Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
        return vhost;
    }

    /// <summary>Every queue of a virtual host with the messages it holds (ready and unacknowledged).</summary>
    public static async Task<Dictionary<string, long>> QueueDepthsAsync(string vhost)
    {
        using var client = RabbitManagementClient();
        var queues = await client.GetFromJsonAsync<List<System.Text.Json.JsonElement>>($"/api/queues/{Uri.EscapeDataString(vhost)}") ?? [];
        return queues.ToDictionary(
            q => q.GetProperty("name").GetString()!,
            q => q.TryGetProperty("messages", out var messages) && messages.ValueKind == System.Text.Json.JsonValueKind.Number ? messages.GetInt64() : 0);
    }

    /// <summary>An endpoint's configuration for the bus on this RabbitMQ, in one virtual host.</summary>
    public static Dictionary<string, string?> RabbitMqSettings(string vhost) => new()
    {
        ["Bus:Transport"] = "RabbitMq",
        ["Bus:RabbitMq:Host"] = RabbitHost,
        ["Bus:RabbitMq:Port"] = RabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Bus:RabbitMq:VirtualHost"] = vhost,
        ["Bus:RabbitMq:Username"] = RabbitUser,
        ["Bus:RabbitMq:Password"] = RabbitPassword,
    };

    /// <summary>A connection factory for one virtual host, to read or drain its queues as an operator would.</summary>
    public static ConnectionFactory RabbitConnectionFactory(string vhost) => new()
    {
        HostName = RabbitHost,
        Port = RabbitPort,
        VirtualHost = vhost,
        UserName = RabbitUser,
        Password = RabbitPassword,
    };

    /// <summary>A started bus with no endpoints of its own, to send and publish into a virtual host as another endpoint would.</summary>
    public static async Task<IBusControl> StartClientBusAsync(string vhost)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(RabbitHost, RabbitPort, vhost, h =>
        {
            h.Username(RabbitUser);
            h.Password(RabbitPassword);
        }));
        await bus.StartAsync();
        return bus;
    }

    public static async Task DeleteVirtualHostAsync(string vhost)
    {
        using var client = RabbitManagementClient();
        await client.DeleteAsync($"/api/vhosts/{vhost}");
    }

    /// <summary>Runs one query on PostgreSQL, with <c>{schema}</c> in <paramref name="sql"/> standing for the quoted schema.</summary>
    public static async Task<object?> ScalarAsync(string schema, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql.Replace("{schema}", $"\"{schema}\"", StringComparison.Ordinal), connection);
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return await command.ExecuteScalarAsync();
    }

    public static async Task DropSchemaAsync(string schema)
    {
        await using var connection = new NpgsqlConnection(PostgresConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
