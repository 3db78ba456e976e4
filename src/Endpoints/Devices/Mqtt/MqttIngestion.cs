using System.Buffers;
using Microsoft.Extensions.Options;
using MQTTnet;
using MQTTnet.Protocol;

namespace Orchestration.Endpoints.Devices.Mqtt;

/// <summary>
/// Devices' MQTT client, which sends commands to locks (<see cref="PublishAsync"/>) and, unless the RabbitMQ ingest queue
/// brings the payloads (<see cref="RabbitMqIngestion"/>, <see cref="DevicesMqttOptions.IngestsFromQueue"/>), ingests them:
/// subscribed with QoS 1 to every device's events topic in a persistent session (clean session off), so what devices
/// publish while Devices is down waits at the broker, each payload through <see cref="PayloadLanes"/>. That subscription
/// is one process's (the standalone mode's embedded broker). With the ingest queue the client only publishes: its
/// session is clean and its client id made unique, so any number of instances connect side by side. A lost connection
/// is made again: nothing here stops the endpoint.
/// </summary>
public sealed class MqttIngestion(
    IServiceScopeFactory scopes, IOptions<DevicesMqttOptions> options, TimeProvider time, ILogger<MqttIngestion> logger, EmbeddedBroker? broker = null)
    : BackgroundService
{
    readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    readonly PayloadLanes _lanes = new(scopes, time, logger);

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

        var lanes = Task.CompletedTask;
        if (!options.Value.IngestsFromQueue)
        {
            _client.ApplicationMessageReceivedAsync += async e =>
            {
                e.AutoAcknowledge = false;
                await _lanes.WriteAsync(new ReceivedPayload(e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray(), e.AcknowledgeAsync),
                    stoppingToken);
            };
            lanes = _lanes.RunAsync(stoppingToken);
        }

        try
        {
            await StayConnectedAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await lanes;
    }

    async Task StayConnectedAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var subscribes = !settings.IngestsFromQueue;
        var clientId = subscribes ? settings.ClientId : $"{settings.ClientId}-{Guid.NewGuid():N}"[..(settings.ClientId.Length + 13)];
        var connect = new MqttClientOptionsBuilder().WithTcpServer(settings.Host, settings.Port).WithClientId(clientId)
            .WithCredentials(settings.Username, settings.Password).WithCleanSession(!subscribes)
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
                    if (subscribes)
                        await _client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                            .WithTopicFilter(DeviceTopics.AllEvents, MqttQualityOfServiceLevel.AtLeastOnce).Build(), stoppingToken);
                    logger.LogInformation("Connected to the MQTT broker {Host}:{Port} as {ClientId} (subscribed: {Subscribed}, session kept: {SessionPresent})",
                        settings.Host, settings.Port, clientId, subscribes, result.IsSessionPresent);
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

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }
}
