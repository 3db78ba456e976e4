using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;
using Orchestration.Devices.Tests.Infrastructure;
using Orchestration.Endpoints.Devices.Mqtt;

namespace Orchestration.Devices.Tests;

/// <summary>
/// Devices scaled out on RabbitMQ: full endpoint hosts, each with its own services, on one database and one ingest queue,
/// fed by real MQTT devices publishing with QoS 1. One instance is stopped while payloads are still waiting and started
/// again. In the collection of the other RabbitMQ tests, so that their payloads are not in the counts.
/// </summary>
[Collection(DevicesOnRabbitMq.Name)]
public sealed class When_several_devices_instances_ingest(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    const int Devices = 10;
    const int EventsEach = 40;
    const int Prefetch = 16;

    readonly string _ingestQueue = RabbitMqDevices.NewIngestQueue();
    readonly TestDatabase _database = TestDatabase.OnPostgres("devices");
    readonly List<InProcessEndpoint> _hosts = [];
    readonly MeterListener _listener = new();
    readonly Dictionary<(object? Scope, string Outcome), long> _payloads = [];
    readonly Dictionary<InProcessEndpoint, IMeterFactory> _meters = [];

    [Fact]
    public async Task Should_share_the_payloads_between_the_instances_and_store_each_once_though_one_stops()
    {
        var first = await StartAsync();
        var second = await StartAsync();
        var property = Guid.NewGuid();
        var devices = Enumerable.Range(0, Devices).Select(_ => new TestDevice(DeviceKind.Thermostat, property)).ToList();
        foreach (var device in devices)
            (await first.SendAsync(device.Register())).ShouldBeNull();
        var clients = await Task.WhenAll(devices.Select(ConnectAsync));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            // Half of the payloads; the first instance stops as soon as both have taken some, with the rest still waiting.
            await PublishAsync(devices, clients, EventsEach / 2);
            await Eventually.HoldsAsync(() => Task.FromResult(Accepted(first) > 0 && Accepted(second) > 0), TimeSpan.FromSeconds(20),
                "both instances accepted payloads");
            await first.DisposeAsync();
            _hosts.Remove(first);
            var stoppedAfter = Accepted(first);
            await PublishAsync(devices, clients, EventsEach / 2);
            var restarted = await StartAsync();

            const int total = Devices * EventsEach;
            await Eventually.HoldsAsync(async () => await StoredAsync(second, devices) == total, TimeSpan.FromSeconds(30), $"{total} payloads stored");
            output.WriteLine($"{total} payloads stored {clock.Elapsed} after the first was published; accepted by the first instance " +
                $"{stoppedAfter} before it stopped, the second {Accepted(second)}, the restarted one {Accepted(restarted)}");

            foreach (var device in devices)
                (await second.AcceptedAsync(device.DeviceId)).ShouldBe(EventsEach);
            (await second.QuarantinedCountAsync(property.ToString())).ShouldBe(0);
            stoppedAfter.ShouldBeGreaterThan(0);
            Accepted(second).ShouldBeGreaterThan(0);
            (Accepted(first) + Accepted(second) + Accepted(restarted)).ShouldBe(total);
            // Each payload went to one instance: only what the stopped one had committed but not acknowledged comes twice.
            (Count(first, "duplicate") + Count(second, "duplicate") + Count(restarted, "duplicate")).ShouldBeLessThanOrEqualTo(Prefetch);
            foreach (var device in devices)
                (await second.DeviceAsync(device.DeviceId)).ShouldNotBeNull().LastSequence.ShouldBe(EventsEach);
        }
        finally
        {
            foreach (var client in clients)
                client.Dispose();
        }
    }

    public Task InitializeAsync()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PayloadMetrics.MeterName && instrument.Name == PayloadMetrics.CounterName)
                listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
                if (tag.Key == "outcome")
                {
                    var key = (instrument.Meter.Scope, (string)tag.Value!);
                    lock (_payloads)
                        _payloads[key] = _payloads.GetValueOrDefault(key) + value;
                }
        });
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
            await host.DisposeAsync();
        _listener.Dispose();
        await RabbitMqDevices.DeleteIngestQueueAsync(_ingestQueue);
        await _database.DisposeAsync();
    }

    async Task<InProcessEndpoint> StartAsync()
    {
        var settings = RabbitMqDevices.Settings(_ingestQueue);
        settings["IngestPrefetch"] = Prefetch.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var host = await InProcessEndpoint.StartAsync(MqttDevicesSetup.For(TestDatabase.Postgres, settings, database: _database));
        _hosts.Add(host);
        _meters[host] = host.Services.GetRequiredService<IMeterFactory>();
        return host;
    }

    /// <summary>The payloads the instance counted with that outcome (its metrics are its own: the meter's scope is its meter factory).</summary>
    long Count(InProcessEndpoint host, string outcome)
    {
        lock (_payloads)
            return _payloads.GetValueOrDefault((_meters[host], outcome));
    }

    long Accepted(InProcessEndpoint host) => Count(host, "accepted");

    static async Task<long> StoredAsync(InProcessEndpoint host, IEnumerable<TestDevice> devices)
    {
        var stored = 0L;
        foreach (var device in devices)
            stored += await host.AcceptedAsync(device.DeviceId);
        return stored;
    }

    static async Task<IMqttClient> ConnectAsync(TestDevice device)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", RabbitMqDevices.MqttPort).WithClientId(device.Username)
            .WithCredentials(device.Username, device.Password).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311).Build());
        return client;
    }

    /// <summary>Each device publishes <paramref name="count"/> payloads in order with QoS 1, the devices side by side.</summary>
    static Task PublishAsync(List<TestDevice> devices, IMqttClient[] clients, int count) =>
        Task.WhenAll(devices.Select(async (device, i) =>
        {
            for (var n = 0; n < count; n++)
            {
                var result = await clients[i].PublishAsync(new MqttApplicationMessageBuilder().WithTopic(device.EventsTopic)
                    .WithPayload(Encoding.UTF8.GetBytes(device.Telemetry(20 + n % 5))).WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
                result.IsSuccess.ShouldBeTrue();
            }
        }));
}
