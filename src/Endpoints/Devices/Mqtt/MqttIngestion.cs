using System.Buffers;
using System.Threading.Channels;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Orchestration.Endpoints.Devices.Mqtt;

/// <summary>
/// Devices' MQTT client: subscribed with QoS 1 to every device's events topic in a persistent session (clean session
/// off), so what devices publish while Devices is down waits at the broker; a payload is acknowledged to the broker only
/// after <see cref="DevicePayloadHandler"/> has committed what it means (or quarantined it), so a crash in between
/// brings it again and the message-id claim drops the repeat. Payloads are handled in a few lanes, one device always in
/// the same lane so its sequence is seen in order; a failure (the database away) retries the same payload in its lane
/// with a growing pause, and a lost connection is made again: nothing here stops the endpoint. The same client sends
/// commands to locks (<see cref="PublishAsync"/>).
/// </summary>
public sealed class MqttIngestion(
    IServiceScopeFactory scopes, IOptions<DevicesMqttOptions> options, TimeProvider time, ILogger<MqttIngestion> logger, EmbeddedBroker? broker = null)
    : BackgroundService
{
    const int Lanes = 8;
    readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    readonly Channel<MqttApplicationMessageReceivedEventArgs>[] _lanes =
        [.. Enumerable.Range(0, Lanes).Select(_ => Channel.CreateBounded<MqttApplicationMessageReceivedEventArgs>(256))];

    public bool IsConnected => _client.IsConnected;

    /// <summary>Publishes with QoS 1 and waits for the broker's acknowledgement.</summary>
    public async Task PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
            throw new InvalidOperationException("Devices is not connected to the MQTT broker.");
        var result = await _client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), cancellationToken);
        if (!result.IsSuccess)
            throw new InvalidOperationException($"The MQTT broker refused the command on {topic}: {result.ReasonCode}.");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (broker is not null && !await broker.Started.Task.WaitAsync(stoppingToken))
            return;

        _client.ApplicationMessageReceivedAsync += async e =>
        {
            e.AutoAcknowledge = false;
            var lane = (int)((uint)StringComparer.Ordinal.GetHashCode(e.ApplicationMessage.Topic) % Lanes);
            await _lanes[lane].Writer.WriteAsync(e, stoppingToken);
        };
        var workers = _lanes.Select(lane => HandleLaneAsync(lane.Reader, stoppingToken)).ToArray();
        try
        {
            await StayConnectedAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(workers);
    }

    async Task StayConnectedAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var connect = new MqttClientOptionsBuilder().WithTcpServer(settings.Host, settings.Port).WithClientId(settings.ClientId)
            .WithCredentials(settings.Username, settings.Password).WithCleanSession(false)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311).WithKeepAlivePeriod(TimeSpan.FromSeconds(15)).Build();
        var pause = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                try
                {
                    var result = await _client.ConnectAsync(connect, stoppingToken);
                    // A session the broker kept has the subscription already; subscribing again is harmless.
                    await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                        .WithTopicFilter(DeviceTopics.AllEvents, MqttQualityOfServiceLevel.AtLeastOnce).Build(), stoppingToken);
                    logger.LogInformation("Connected to the MQTT broker {Host}:{Port} as {ClientId} (session kept: {SessionPresent})",
                        settings.Host, settings.Port, settings.ClientId, result.IsSessionPresent);
                    pause = TimeSpan.FromMilliseconds(200);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    logger.LogWarning(exception, "Cannot connect to the MQTT broker {Host}:{Port}; trying again in {Pause}", settings.Host, settings.Port, pause);
                    await Task.Delay(pause, time, stoppingToken);
                    pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                    continue;
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), time, stoppingToken);
        }
    }

    async Task HandleLaneAsync(ChannelReader<MqttApplicationMessageReceivedEventArgs> lane, CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var received in lane.ReadAllAsync(stoppingToken))
            {
                var message = received.ApplicationMessage;
                var payload = message.Payload.ToArray();
                var pause = TimeSpan.FromMilliseconds(100);
                while (true)
                {
                    try
                    {
                        await using var scope = scopes.CreateAsyncScope();
                        await scope.ServiceProvider.GetRequiredService<DevicePayloadHandler>().HandleAsync(message.Topic, payload, stoppingToken);
                        break;
                    }
                    catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                    {
                        logger.LogWarning(exception, "Payload on {Topic} not handled; trying again in {Pause}", message.Topic, pause);
                        await Task.Delay(pause, time, stoppingToken);
                        pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                    }
                }

                try
                {
                    await received.AcknowledgeAsync(stoppingToken);
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // The connection went away: the broker brings the payload again, and its message id drops the repeat.
                    logger.LogInformation(exception, "Could not acknowledge a payload on {Topic}", message.Topic);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }
}
