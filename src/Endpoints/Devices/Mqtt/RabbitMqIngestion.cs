using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Orchestration.Endpoints.Devices.Mqtt;

/// <summary>
/// Ingestion that scales out on RabbitMQ: its MQTT plugin publishes what a device sends to <c>amq.topic</c> (the
/// routing key is the topic with <c>/</c> and <c>.</c> swapped), where one durable queue
/// (<see cref="DevicesMqttOptions.IngestQueue"/>) is bound to every device's events topic. Every Devices instance
/// declares and consumes that queue as a competing consumer, with a bounded prefetch and manual acknowledgement: each
/// payload, with its topic and raw bytes, goes through <see cref="PayloadLanes"/> and is acknowledged after its
/// commit, so an instance that stops hands what it had not finished to the others, and the message id drops a payload
/// handled twice. A lost connection is made again with a growing pause.
/// </summary>
public sealed class RabbitMqIngestion(IServiceScopeFactory scopes, IOptions<DevicesMqttOptions> options, TimeProvider time, ILogger<RabbitMqIngestion> logger)
    : BackgroundService
{
    /// <summary><see cref="DeviceTopics.AllEvents"/> as a binding of <c>amq.topic</c>.</summary>
    public const string EventsBinding = "devices.*.*.*.events";

    readonly PayloadLanes _lanes = new(scopes, time, logger);

    /// <summary>The MQTT topic a routing key of the MQTT plugin stands for.</summary>
    public static string TopicOf(string routingKey) =>
        string.Create(routingKey.Length, routingKey, (topic, key) =>
        {
            for (var i = 0; i < key.Length; i++)
                topic[i] = key[i] switch { '.' => '/', '/' => '.', var c => c };
        });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lanes = _lanes.RunAsync(stoppingToken);
        try
        {
            await ConsumeAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await lanes;
    }

    async Task ConsumeAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var factory = new ConnectionFactory
        {
            HostName = settings.Host, Port = settings.AmqpPort, VirtualHost = settings.VirtualHost, UserName = settings.Username, Password = settings.Password,
            AutomaticRecoveryEnabled = false, ClientProvidedName = $"devices {settings.IngestQueue}",
        };
        var pause = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await factory.CreateConnectionAsync(stoppingToken);
                await using var channel = await connection.CreateChannelAsync(cancellationToken: stoppingToken);
                var closed = new TaskCompletionSource<ShutdownEventArgs>(TaskCreationOptions.RunContinuationsAsynchronously);
                channel.ChannelShutdownAsync += (_, reason) =>
                {
                    closed.TrySetResult(reason);
                    return Task.CompletedTask;
                };
                await channel.BasicQosAsync(0, settings.IngestPrefetch, false, stoppingToken);
                await channel.QueueDeclareAsync(settings.IngestQueue, durable: true, exclusive: false, autoDelete: false, cancellationToken: stoppingToken);
                await channel.QueueBindAsync(settings.IngestQueue, settings.TopicExchange, EventsBinding, cancellationToken: stoppingToken);
                var consumer = new AsyncEventingBasicConsumer(channel);
                consumer.ReceivedAsync += (_, delivery) =>
                {
                    var tag = delivery.DeliveryTag;
                    // After the channel closed the broker brings the payload again on another; an acknowledgement would be refused.
                    return _lanes.WriteAsync(new ReceivedPayload(TopicOf(delivery.RoutingKey), delivery.Body.ToArray(),
                        cancellationToken => channel.IsOpen ? channel.BasicAckAsync(tag, false, cancellationToken).AsTask() : Task.CompletedTask),
                        stoppingToken).AsTask();
                };
                await channel.BasicConsumeAsync(settings.IngestQueue, autoAck: false, consumer, stoppingToken);
                logger.LogInformation("Consuming device payloads from {Queue} on {Host}:{Port} ({Exchange} {Binding})", settings.IngestQueue,
                    settings.Host, settings.AmqpPort, settings.TopicExchange, EventsBinding);
                pause = TimeSpan.FromMilliseconds(200);
                var reason = await closed.Task.WaitAsync(stoppingToken);
                logger.LogWarning("The ingest queue's channel closed ({Reason}); connecting again in {Pause}", reason.ReplyText, pause);
                await Task.Delay(pause, time, stoppingToken);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(exception, "Cannot consume {Queue} on {Host}:{Port}; trying again in {Pause}", settings.IngestQueue, settings.Host,
                    settings.AmqpPort, pause);
                await Task.Delay(pause, time, stoppingToken);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }
}
