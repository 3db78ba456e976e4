using System.Data.Common;
using MassTransit;
using Npgsql;
using Orchestration.TestEndpoint.Contracts;

namespace Orchestration.Testing;

/// <summary>
/// One test's world on the real servers: a RabbitMQ virtual host, a PostgreSQL schema, the test endpoint as a child
/// process, and a client bus to send it messages.
/// </summary>
public sealed class BusWorld : IAsyncDisposable
{
    IBusControl? _client;

    BusWorld(string vhost, string schema, IDictionary<string, string>? settings)
    {
        VirtualHost = vhost;
        Schema = schema;
        Endpoint = new EndpointProcess(vhost, schema, settings);
    }

    public string VirtualHost { get; }
    public string Schema { get; }
    public EndpointProcess Endpoint { get; }

    public static async Task<BusWorld> StartAsync(string name, IDictionary<string, string>? settings = null)
    {
        var world = new BusWorld(await TestServers.CreateVirtualHostAsync(name), TestServers.NewSchema(name.Replace('-', '_')), settings);
        await world.Endpoint.StartAsync();
        world._client = await TestServers.StartClientBusAsync(world.VirtualHost);
        return world;
    }

    public async Task SendAsync<T>(string queue, T message, Guid? messageId = null, IDictionary<string, object>? headers = null)
        where T : class
    {
        var endpoint = await _client!.GetSendEndpoint(new Uri($"queue:{queue}"));
        await endpoint.Send(message, context =>
        {
            if (messageId is { } id)
                context.MessageId = id;
            foreach (var (key, value) in headers ?? new Dictionary<string, object>())
                context.Headers.Set(key, value);
        });
    }

    /// <summary>Starts a probe saga and waits until it runs; returns its id.</summary>
    public async Task<Guid> StartProbeAsync()
    {
        var probe = NewId.NextGuid();
        await SendAsync("probe-state", new StartProbe(probe));
        await Eventually.HoldsAsync(async () => await ProbeStateAsync(probe) == "Running", TimeSpan.FromSeconds(20), "the probe started");
        return probe;
    }

    public Task<string?> ProbeStateAsync(Guid probe) =>
        ScalarAsync("SELECT current_state FROM {schema}.saga_probe WHERE correlation_id = @id", ("id", probe));

    /// <summary>A scheduler client that sends its requests to the endpoint's durable scheduler.</summary>
    public Task<IMessageScheduler> SchedulerAsync() =>
        Task.FromResult(_client!.CreateMessageScheduler(_client!.Topology, new Uri("queue:scheduler")));

    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters) =>
        Convert.ToInt64(await TestServers.ScalarAsync(Schema, sql, parameters) ?? 0L, System.Globalization.CultureInfo.InvariantCulture);

    public Task<long> EffectsAsync(Guid id, string kind) =>
        CountAsync("SELECT COUNT(*) FROM {schema}.effects WHERE effect_id = @id AND kind = @kind", ("id", id), ("kind", kind));

    public async Task<string?> ScalarAsync(string sql, params (string Name, object Value)[] parameters) =>
        (await TestServers.ScalarAsync(Schema, sql, parameters))?.ToString();

    /// <summary>Takes every message waiting in a queue, with its headers and body.</summary>
    public async Task<List<(IDictionary<string, object?> Headers, string Body)>> DrainAsync(string queue)
    {
        await using var connection = await TestServers.RabbitConnectionFactory(VirtualHost).CreateConnectionAsync();
        var messages = new List<(IDictionary<string, object?>, string)>();
        await using (var probe = await connection.CreateChannelAsync())
        {
            try
            {
                await probe.QueueDeclarePassiveAsync(queue);
            }
            catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
            {
                return messages; // the queue was never created: nothing ever went there
            }
        }

        await using var channel = await connection.CreateChannelAsync();
        while (await channel.BasicGetAsync(queue, autoAck: true) is { } result)
        {
            var headers = (result.BasicProperties.Headers ?? new Dictionary<string, object?>())
                .ToDictionary(h => h.Key, h => h.Value is byte[] bytes ? (object?)System.Text.Encoding.UTF8.GetString(bytes) : h.Value);
            messages.Add((headers, System.Text.Encoding.UTF8.GetString(result.Body.Span)));
        }

        return messages;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
            await _client.StopAsync();
        await Endpoint.DisposeAsync();
        if (Environment.GetEnvironmentVariable("KEEP_TEST_SCHEMA") is not null)
            await File.WriteAllTextAsync($"/tmp/{Schema}.log", Endpoint.Output);
        if (Environment.GetEnvironmentVariable("KEEP_TEST_SCHEMA") is null)
            await TestServers.DeleteVirtualHostAsync(VirtualHost);
        if (Environment.GetEnvironmentVariable("KEEP_TEST_SCHEMA") is null)
            await TestServers.DropSchemaAsync(Schema);
    }
}
