using System.Buffers;
using System.Collections.Concurrent;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace Orchestration.Simulators.Devices;

/// <summary>What a simulated device is and how a lock answers commands.</summary>
public sealed record DeviceSetup(string Kind, Guid PropertyId, Guid UnitId, string Password, bool Acknowledge = true);

/// <summary>
/// One device as an MQTT client of its own, logged in with its id and password: it publishes on its events topic
/// (QoS 1, a growing sequence, a fresh message id each); a lock or thermostat takes commands from its commands topic, and
/// a lock acknowledges each (once per command id, as a real lock would) unless it was told to stay silent.
/// </summary>
internal sealed class SimulatedDevice(Guid deviceId, DeviceSetup setup, IMqttClient client) : IAsyncDisposable
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    readonly ConcurrentQueue<JsonElement> _commands = new();
    readonly ConcurrentDictionary<Guid, bool> _acknowledged = new();
    long _sequence;

    public DeviceSetup Setup { get; set; } = setup;
    public IReadOnlyList<JsonElement> Commands => [.. _commands];
    public string Topic(string kind) => $"devices/{Setup.PropertyId}/{Setup.UnitId}/{deviceId}/{kind}";

    public static async Task<SimulatedDevice> ConnectAsync(Guid deviceId, DeviceSetup setup, DevicesSimulatorOptions options, CancellationToken token)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new SimulatedDevice(deviceId, setup, client);
        client.ApplicationMessageReceivedAsync += device.ReceiveAsync;
        try
        {
            var connected = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(options.MqttHost, options.MqttPort)
                .WithClientId(deviceId.ToString()).WithCredentials(deviceId.ToString(), setup.Password)
                .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311).Build(), token);
            if (connected.ResultCode != MqttClientConnectResultCode.Success)
                throw new InvalidOperationException($"The broker refused device {deviceId}: {connected.ResultCode}.");
            if (setup.Kind is "lock" or "thermostat")
                await client.SubscribeAsync(new MqttClientSubscribeOptionsBuilder()
                    .WithTopicFilter(device.Topic("commands"), MqttQualityOfServiceLevel.AtLeastOnce).Build(), token);
            return device;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public Task PublishAsync(object body, CancellationToken token)
    {
        var fields = JsonSerializer.SerializeToElement(body, Json).EnumerateObject().ToDictionary(p => p.Name, p => (object)p.Value);
        fields["messageId"] = Guid.NewGuid().ToString();
        fields["sequence"] = Interlocked.Increment(ref _sequence);
        return client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(Topic("events")).WithPayload(JsonSerializer.SerializeToUtf8Bytes(fields))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(), token);
    }

    async Task ReceiveAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        JsonElement command;
        try
        {
            command = JsonDocument.Parse(e.ApplicationMessage.Payload.ToArray()).RootElement.Clone();
        }
        catch (JsonException)
        {
            return;
        }

        _commands.Enqueue(command);
        if (Setup.Kind == "lock" && Setup.Acknowledge && command.TryGetProperty("commandId", out var id) && id.TryGetGuid(out var commandId) && _acknowledged.TryAdd(commandId, true))
            await PublishAsync(new { type = "ack", commandId }, CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
            await client.DisconnectAsync();
        client.Dispose();
    }
}
