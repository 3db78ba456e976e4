using System.Diagnostics;
using System.Text;
using MQTTnet;
using MQTTnet.Protocol;
using Orchestration.Devices.Tests.Infrastructure;

namespace Orchestration.Devices.Tests;

[Collection(DevicesOnRabbitMq.Name)]
public sealed class When_devices_send_garbage(RabbitMqDevicesFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
{
    const int Payloads = 10_000;

    InProcessEndpoint Host => fixture.Host;

    [Fact]
    public async Task Should_quarantine_and_count_every_bad_payload_accept_the_good_and_keep_working()
    {
        var property = Guid.NewGuid();
        var devices = Enumerable.Range(0, 10).Select(_ => new TestDevice(DeviceKind.Thermostat, property)).ToList();
        foreach (var device in devices)
            (await Host.SendAsync(device.Register())).ShouldBeNull();

        // One accepted message each first, so that an old sequence is a replay whatever order the rest is handled in.
        var streams = devices.ToDictionary(d => d.EventsTopic, d => new List<(string Topic, byte[] Payload)> { (d.EventsTopic, Bytes(d.Telemetry(20))) });
        var strays = new List<(string Topic, byte[] Payload)>();
        var random = new Random(20261205);
        int quarantined = 0, accepted = devices.Count, duplicates = 0;
        var sent = new Dictionary<TestDevice, List<byte[]>>();
        for (var i = 0; i < Payloads - devices.Count; i++)
        {
            var device = devices[random.Next(devices.Count)];
            var stream = streams[device.EventsTopic];
            switch (i % 10)
            {
                case 0:
                    stream.Add((device.EventsTopic, RandomBytes(random, random.Next(1, 200))));
                    quarantined++;
                    break;
                case 1:
                    stream.Add((device.EventsTopic, Bytes(WrongSchema(random, device))));
                    quarantined++;
                    break;
                case 2:
                    strays.Add((new TestDevice(DeviceKind.LeakSensor, property).EventsTopic, Bytes(device.Leak())));
                    quarantined++;
                    break;
                case 3:
                    strays.Add(i % 100 == 3
                        ? ($"devices/{property}/{Guid.NewGuid()}/{device.DeviceId}/events", Bytes(TestDevice.Raw(Guid.NewGuid().ToString(), 1)))
                        : ($"devices/{property}/{Guid.NewGuid()}/not-a-guid/events", Bytes(TestDevice.Raw(Guid.NewGuid().ToString(), 1))));
                    quarantined++;
                    break;
                case 4:
                    stream.Add((device.EventsTopic, i % 40 == 4 ? RandomBytes(random, 20_000) : Bytes(TestDevice.Raw(Guid.NewGuid().ToString(), 1))));
                    quarantined++;
                    break;
                case 5 when sent.TryGetValue(device, out var earlier) && earlier.Count > 0:
                    stream.Add((device.EventsTopic, earlier[random.Next(earlier.Count)]));
                    duplicates++;
                    break;
                default:
                    var payload = Bytes(device.Telemetry(random.Next(15, 25)));
                    stream.Add((device.EventsTopic, payload));
                    (sent.TryGetValue(device, out var list) ? list : sent[device] = []).Add(payload);
                    accepted++;
                    break;
            }
        }

        (quarantined + accepted + duplicates).ShouldBe(Payloads);
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(streams.Values.Concat(strays.Chunk(strays.Count / 4 + 1).Select(c => c.ToList())).Select(PublishInOrderAsync));
        output.WriteLine($"{Payloads} payloads published in {clock.Elapsed}");

        await Eventually.HoldsAsync(async () => await Host.QuarantinedCountAsync(property.ToString()) >= quarantined, TimeSpan.FromSeconds(60),
            $"{quarantined} payloads quarantined");
        var accepts = 0L;
        await Eventually.HoldsAsync(async () =>
        {
            accepts = 0;
            foreach (var device in devices)
                accepts += await Host.AcceptedAsync(device.DeviceId);
            return accepts >= accepted;
        }, TimeSpan.FromSeconds(30), $"{accepted} payloads accepted");
        var elapsed = clock.Elapsed;
        output.WriteLine($"{quarantined} quarantined, {accepted} accepted and {duplicates} repeats dropped {elapsed} after the first was published");

        var quarantine = await Host.QuarantinedAsync(property.ToString());
        quarantine.Count.ShouldBe(quarantined);
        accepts.ShouldBe(accepted);
        quarantine.Select(q => q.Reason.Split(' ', ':')[0]).Distinct().Order()
            .ShouldBe(["malformed", "not", "payload", "replayed", "schema", "topic", "unknown"]);

        // Staff get to list them: each announced, in a few batches rather than a message apiece.
        var marker = property.ToString();
        await Eventually.HoldsAsync(() => Task.FromResult(Host.Published.All<DevicePayloadsQuarantined>(b => b.Payloads.Any(p => p.Topic.Contains(marker)))
            .SelectMany(b => b.Payloads).Where(p => p.Topic.Contains(marker)).Select(p => p.QuarantineId).Distinct().Count() == quarantined),
            TimeSpan.FromSeconds(30), $"{quarantined} quarantined payloads announced");
        Host.Published.All<DevicePayloadsQuarantined>(b => b.Payloads.Any(p => p.Topic.Contains(marker))).Count.ShouldBeLessThan(quarantined / 10);

        // And the endpoint still does its work.
        var sensor = new TestDevice(DeviceKind.LeakSensor);
        (await Host.SendAsync(sensor.Register())).ShouldBeNull();
        (await Mosquitto.PublishAsync(RabbitMqDevicesFixture.MqttPort, sensor.EventsTopic, sensor.Leak(), sensor.Username, sensor.Password)).ShouldBe(0);
        await Host.Published.WaitForAsync<RequestWorkOrder>(r => r.UnitId == sensor.UnitId);
    }

    static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        bytes[0] = (byte)'{';
        return bytes;
    }

    static string WrongSchema(Random random, TestDevice device) => random.Next(8) switch
    {
        0 => "[1,2,3]",
        1 => """{"sequence":5,"type":"telemetry"}""",
        2 => $$"""{"messageId":"{{Guid.NewGuid()}}","sequence":"five","type":"telemetry"}""",
        3 => $$"""{"messageId":"{{Guid.NewGuid()}}","sequence":-1,"type":"telemetry"}""",
        4 => $$"""{"messageId":"{{Guid.NewGuid()}}","sequence":9000000000000,"type":"party"}""",
        5 => $$"""{"messageId":"{{Guid.NewGuid()}}","sequence":9000000000001,"type":"battery","batteryPercent":300}""",
        6 => $$"""{"messageId":"{{Guid.NewGuid()}}","sequence":9000000000002,"type":"ack","commandId":"{{Guid.NewGuid()}}"}""",
        _ => device.Ack(Guid.NewGuid()).Replace("\"commandId\"", "\"command\"", StringComparison.Ordinal),
    };

    static async Task PublishInOrderAsync(List<(string Topic, byte[] Payload)> messages)
    {
        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", RabbitMqDevicesFixture.MqttPort)
            .WithCredentials(TestServers.RabbitUser, TestServers.RabbitPassword).WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311).Build());
        foreach (var (topic, payload) in messages)
            await client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build());
        await client.DisconnectAsync();
    }
}
