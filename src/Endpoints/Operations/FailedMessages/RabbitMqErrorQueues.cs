using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Orchestration.Platform.Hosting;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Orchestration.Endpoints.Operations.FailedMessages;

/// <summary>
/// Drains every endpoint's error queue on RabbitMQ. The queues are listed through the management API every poll interval,
/// so an endpoint added later (or a queue declared later) is drained without configuring Operations. Each queue has a
/// consumer of its own with manual acknowledgement: a batch of copies is acknowledged only after the transaction that
/// stored it committed. A kill before the commit leaves the copies on the queue; a kill between commit and
/// acknowledgement redelivers copies the store recognises (<see cref="FailedMessageStore.RecordAsync"/>).
/// </summary>
public sealed class RabbitMqErrorQueues(IServiceScopeFactory scopes, IOptions<BusOptions> bus, IOptions<FailedMessageOptions> options,
    TimeProvider time, ILogger<RabbitMqErrorQueues> logger) : BackgroundService, IFailedMessageReturn
{
    readonly Dictionary<string, IChannel> _consumers = [];
    readonly SemaphoreSlim _publishing = new(1, 1);
    IConnection? _connection;
    IChannel? _publisher;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var rabbit = bus.Value.RabbitMq;
        using var management = new HttpClient { BaseAddress = new Uri(options.Value.Ingestion.ManagementUrl) };
        management.DefaultRequestHeaders.Authorization =
            new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{rabbit.Username}:{rabbit.Password}")));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var connection = await ConnectionAsync(stoppingToken);
                foreach (var queue in await ErrorQueuesAsync(management, rabbit.VirtualHost, stoppingToken))
                {
                    if (_consumers.TryGetValue(queue, out var open) && open.IsOpen)
                        continue;
                    _consumers[queue] = await ConsumeAsync(connection, queue, stoppingToken);
                    logger.LogInformation("Draining error queue {Queue}", queue);
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Listing or draining the error queues failed; trying again in {Interval}", options.Value.Ingestion.PollInterval);
            }

            await Task.Delay(options.Value.Ingestion.PollInterval, time, stoppingToken).ContinueWith(_ => { }, CancellationToken.None);
        }
    }

    static async Task<List<string>> ErrorQueuesAsync(HttpClient management, string vhost, CancellationToken cancellationToken)
    {
        var queues = await management.GetFromJsonAsync<List<JsonElement>>(
            $"/api/queues/{Uri.EscapeDataString(vhost)}?columns=name", cancellationToken) ?? [];
        return [.. queues.Select(q => q.GetProperty("name").GetString() ?? "").Where(name => name.EndsWith("_error", StringComparison.Ordinal))];
    }

    async Task<IConnection> ConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { IsOpen: true })
            return _connection;

        var rabbit = bus.Value.RabbitMq;
        _consumers.Clear();
        _connection = await new ConnectionFactory
        {
            HostName = rabbit.Host, Port = rabbit.Port, VirtualHost = rabbit.VirtualHost, UserName = rabbit.Username, Password = rabbit.Password,
            ClientProvidedName = "operations-failed-messages",
        }.CreateConnectionAsync(cancellationToken);
        return _connection;
    }

    async Task<IChannel> ConsumeAsync(IConnection connection, string queue, CancellationToken stoppingToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
        await channel.BasicQosAsync(0, 200, false, stoppingToken);
        var deliveries = Channel.CreateUnbounded<(ulong Tag, ErrorQueueCopy Copy)>(new UnboundedChannelOptions { SingleReader = true });
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) =>
        {
            deliveries.Writer.TryWrite((delivery.DeliveryTag, Copy(queue, delivery)));
            return Task.CompletedTask;
        };
        _ = Task.Run(() => StoreAsync(channel, queue, deliveries.Reader, stoppingToken), CancellationToken.None);
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer, stoppingToken);
        return channel;
    }

    // In batches, in delivery order: one commit stores what arrived together, then one acknowledgement covers it.
    async Task StoreAsync(IChannel channel, string queue, ChannelReader<(ulong Tag, ErrorQueueCopy Copy)> deliveries, CancellationToken stoppingToken)
    {
        var batch = new List<(ulong Tag, ErrorQueueCopy Copy)>();
        try
        {
            while (await deliveries.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < 200 && deliveries.TryRead(out var delivery))
                    batch.Add(delivery);

                await using (var scope = scopes.CreateAsyncScope())
                    await scope.ServiceProvider.GetRequiredService<FailedMessageRecorder>().RecordAsync([.. batch.Select(b => b.Copy)], stoppingToken);
                await channel.BasicAckAsync(batch[^1].Tag, multiple: true, stoppingToken);
                batch.Clear();
            }
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            // Closing the channel hands its unacknowledged copies back to the queue; the next poll consumes it again.
            logger.LogWarning(exception, "Storing {Count} copies from {Queue} failed; they stay on the queue", batch.Count, queue);
            await channel.CloseAsync(CancellationToken.None);
        }
    }

    static ErrorQueueCopy Copy(string queue, BasicDeliverEventArgs delivery)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in delivery.BasicProperties.Headers ?? new Dictionary<string, object?>())
            headers[key] = Text(value);
        var messageId = Guid.TryParse(delivery.BasicProperties.MessageId, out var id) ? id
            : headers.TryGetValue("MessageId", out var header) && Guid.TryParse(header, out id) ? id : Guid.Empty;
        return new ErrorQueueCopy(messageId, queue, headers, delivery.Body.ToArray(), delivery.BasicProperties.ContentType);
    }

    static string Text(object? value) => value switch
    {
        null => "",
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        IEnumerable<object> list => string.Join(";", list.Select(Text)),
        AmqpTimestamp timestamp => DateTimeOffset.FromUnixTimeSeconds(timestamp.UnixTime).ToString("O", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>Sends a copy straight to its queue (the default exchange) and waits for the broker's confirm.</summary>
    public async Task ReturnAsync(string queue, Guid messageId, IReadOnlyDictionary<string, string> headers, byte[] body, string? contentType,
        CancellationToken cancellationToken)
    {
        await _publishing.WaitAsync(cancellationToken);
        try
        {
            if (_publisher is not { IsOpen: true })
                _publisher = await (await ConnectionAsync(cancellationToken)).CreateChannelAsync(
                    new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true), cancellationToken);
            var properties = new BasicProperties
            {
                MessageId = messageId.ToString(),
                ContentType = contentType,
                Persistent = true,
                Headers = headers.ToDictionary(h => h.Key, h => (object?)h.Value),
            };
            await _publisher.BasicPublishAsync("", queue, mandatory: false, properties, body, cancellationToken);
        }
        finally
        {
            _publishing.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_connection is not null)
            await _connection.CloseAsync(cancellationToken);
    }
}

/// <summary>Puts a message back on the queue it failed on, through the transport the endpoints use.</summary>
public interface IFailedMessageReturn
{
    Task ReturnAsync(string queue, Guid messageId, IReadOnlyDictionary<string, string> headers, byte[] body, string? contentType,
        CancellationToken cancellationToken);
}
