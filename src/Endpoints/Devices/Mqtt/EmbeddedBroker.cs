using System.Net;
using MQTTnet.Protocol;
using MQTTnet.Server;
using Microsoft.Extensions.Options;
using Orchestration.Endpoints.Devices.Registry;
using Orchestration.Messages.Devices;

namespace Orchestration.Endpoints.Devices.Mqtt;

/// <summary>
/// The standalone mode's MQTT broker (MQTTnet) on 127.0.0.1, with RabbitMQ's rules in distributed mode: no anonymous
/// client; a device logs in with its id and the password whose hash the registry holds, publishes only on its own
/// events topic and subscribes only to its own commands topic; the ingestion client logs in with its configured account.
/// Sessions are persistent while the process runs. A port already taken (another broker, a second standalone process)
/// leaves this process without devices, said once in the log, rather than without the rest of the platform.
/// </summary>
public sealed class EmbeddedBroker(IServiceScopeFactory scopes, IOptions<DevicesMqttOptions> options, ILogger<EmbeddedBroker> logger) : IHostedService, IDisposable
{
    const string DeviceItem = "device";
    MqttServer? _server;

    /// <summary>True once the broker listens; the ingestion client waits for it and gives up when it could not start.</summary>
    public TaskCompletionSource<bool> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        _server = new MqttServerFactory().CreateMqttServer(new MqttServerOptionsBuilder().WithDefaultEndpoint()
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback).WithDefaultEndpointPort(settings.Port).WithPersistentSessions().Build());
        _server.ValidatingConnectionAsync += ValidateAsync;
        _server.InterceptingPublishAsync += e =>
        {
            if (e.SessionItems[DeviceItem] is DeviceRecord device && e.ApplicationMessage.Topic != DeviceTopics.Events(device.PropertyId, device.UnitId, device.DeviceId))
            {
                e.ProcessPublish = false;
                e.Response.ReasonCode = MqttPubAckReasonCode.NotAuthorized;
                logger.LogWarning("Device {DeviceId} may not publish on {Topic}", device.DeviceId, e.ApplicationMessage.Topic);
            }

            return Task.CompletedTask;
        };
        _server.InterceptingSubscriptionAsync += e =>
        {
            if (e.SessionItems[DeviceItem] is DeviceRecord device && e.TopicFilter.Topic != DeviceTopics.Commands(device.PropertyId, device.UnitId, device.DeviceId))
            {
                e.ProcessSubscription = false;
                e.Response.ReasonCode = MqttSubscribeReasonCode.NotAuthorized;
            }

            return Task.CompletedTask;
        };
        try
        {
            await _server.StartAsync();
        }
        catch (System.Net.Sockets.SocketException exception)
        {
            logger.LogError(exception, "The embedded MQTT broker cannot listen on 127.0.0.1:{Port}: devices cannot connect (Devices:Mqtt:Port)",
                settings.Port);
            Started.TrySetResult(false);
            return;
        }

        logger.LogInformation("Embedded MQTT broker listening on 127.0.0.1:{Port}", settings.Port);
        Started.TrySetResult(true);
    }

    async Task ValidateAsync(ValidatingConnectionEventArgs e)
    {
        var settings = options.Value;
        e.SessionItems[DeviceItem] = null;
        if (!string.IsNullOrEmpty(settings.Username) && e.UserName == settings.Username && !string.IsNullOrEmpty(settings.Password)
            && e.Password == settings.Password)
            return;

        if (Guid.TryParse(e.UserName, out var deviceId) && e.Password is { Length: > 0 } password)
        {
            await using var scope = scopes.CreateAsyncScope();
            var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
            await session.BeginReadAsync(e.CancellationToken);
            var device = await scope.ServiceProvider.GetRequiredService<DeviceRegistry>().FindAsync(session, deviceId, e.CancellationToken);
            await session.RollbackAsync();
            if (device is not null && DeviceCredential.Matches(password, device.CredentialHash))
            {
                e.SessionItems[DeviceItem] = device;
                return;
            }
        }

        e.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is { IsStarted: true })
            await _server.StopAsync();
    }

    public void Dispose() => _server?.Dispose();
}
