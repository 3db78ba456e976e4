using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Devices.Tests.Infrastructure;
using Orchestration.Endpoints.Maintenance.Vendors;
using Orchestration.Platform.Storage;
using Orchestration.Simulators.Hosting;

namespace Orchestration.Devices.Tests;

/// <summary>
/// The whole chain with real MQTT clients on RabbitMQ: a leak sensor's alarm from mosquitto_pub, the dispatch saga, a
/// signed offer to the simulated vendor who accepts with a visit window, the visit code on the lock's command topic as
/// mosquitto_sub sees it, the lock's acknowledgement, and the vendor's completion that revokes the code.
/// </summary>
[Collection(DevicesOnRabbitMq.Name)]
public sealed class When_a_leak_goes_all_the_way_to_a_vendor(RabbitMqDevicesFixture fixture) : IAsyncLifetime
{
    static int Port => RabbitMqDevicesFixture.MqttPort;

    RunningSimulators? _simulators;
    HttpClient? _controls;

    InProcessEndpoint Host => fixture.Host;
    HttpClient Controls => _controls!;

    public async Task InitializeAsync()
    {
        var options = new SimulatorOptions();
        options.Payments.Enabled = options.ESignature.Enabled = options.Screening.Enabled = options.Mail.Enabled = options.Devices.Enabled = false;
        options.Vendors.Enabled = true;
        options.Vendors.Url = "http://127.0.0.1:0";
        options.Vendors.PlatformApiUrl = Host.BaseAddress.ToString();
        _simulators = await SimulatorHost.StartAsync(options, CancellationToken.None);
        _controls = new HttpClient { BaseAddress = _simulators.Vendors };
    }

    public async Task DisposeAsync()
    {
        _controls?.Dispose();
        if (_simulators is not null)
            await _simulators.DisposeAsync();
    }

    /// <summary>A plumber of <paramref name="area"/> whose office is the simulator, sharing the signing secret, told to accept.</summary>
    async Task<(Guid VendorId, string Name, string ApiKey)> PlumberAsync(string area)
    {
        var name = $"vendor-{Guid.NewGuid():N}";
        var secret = $"whsec_{Guid.NewGuid():N}";
        await using var scope = Host.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<SqlSession>();
        var registry = scope.ServiceProvider.GetRequiredService<VendorRegistry>();
        await session.BeginAsync(CancellationToken.None);
        var vendorId = await registry.RegisterAsync(session, new NewVendor(name, ["plumbing"], [area], new Uri(Controls.BaseAddress!, $"vendors/{name}/webhooks"),
            secret, DateOnly.FromDateTime(DateTime.UtcNow).AddYears(1), 1), DateTimeOffset.UtcNow, CancellationToken.None);
        var key = await registry.IssueApiKeyAsync(session, vendorId, DateTimeOffset.UtcNow, CancellationToken.None);
        await session.CommitAsync(CancellationToken.None);
        (await Controls.PutAsJsonAsync($"_sim/vendors/{name}", new { signingSecret = secret, apiKey = key.Key, behaviour = "Accept" })).EnsureSuccessStatusCode();
        return (vendorId, name, key.Key);
    }

    [Fact]
    public async Task Should_dispatch_a_signed_offer_give_the_vendor_a_code_the_lock_confirms_and_revoke_it_at_completion()
    {
        var area = $"area-{Guid.NewGuid():N}"[..20];
        var plumber = await PlumberAsync(area);
        var sensor = new TestDevice(DeviceKind.LeakSensor);
        var doorLock = new TestDevice(DeviceKind.Lock, sensor.PropertyId, sensor.UnitId);
        (await Host.SendAsync(sensor.Register() with { ServiceArea = area })).ShouldBeNull();
        (await Host.SendAsync(doorLock.Register() with { ServiceArea = area })).ShouldBeNull();

        JsonElement issue;
        using (var commands = await Mosquitto.SubscribeAsync(Port, doorLock.CommandsTopic, doorLock.Username, doorLock.Password, 1))
        {
            (await Mosquitto.PublishAsync(Port, sensor.EventsTopic, sensor.Leak(), sensor.Username, sensor.Password)).ShouldBe(0);
            issue = JsonDocument.Parse((await commands.MessagesAsync()).Single()).RootElement;
        }

        // The lock acknowledges at once, as a lock does, well within the command's acknowledgement timeout.
        (await Mosquitto.PublishAsync(Port, doorLock.EventsTopic, doorLock.Ack(issue.GetProperty("commandId").GetGuid()), doorLock.Username, doorLock.Password))
            .ShouldBe(0);

        var opened = (await Host.Published.WaitForAsync<WorkOrderOpened>(o => o.UnitId == sensor.UnitId)).Single();
        opened.Priority.ShouldBe(WorkOrderPriority.Emergency);
        var seen = await Controls.GetFromJsonAsync<JsonElement>($"_sim/vendors/{plumber.Name}/events");
        seen.GetProperty("refused").GetInt32().ShouldBe(0);
        var offer = seen.GetProperty("events").EnumerateArray().ShouldHaveSingleItem();
        offer.GetProperty("type").GetString().ShouldBe("work_order.dispatched");
        offer.GetProperty("workOrderId").GetString().ShouldBe(opened.WorkOrderId.ToString());
        issue.GetProperty("command").GetString().ShouldBe("issue-code");
        issue.GetProperty("code").GetString().ShouldNotBeNull().Length.ShouldBe(6);
        var accessCodeId = issue.GetProperty("accessCodeId").GetGuid();

        (await Host.Published.WaitForAsync<VisitAccessCodeIssued>(e => e.WorkOrderId == opened.WorkOrderId)).Single().AccessCodeId.ShouldBe(accessCodeId);

        JsonElement revoke;
        using (var commands = await Mosquitto.SubscribeAsync(Port, doorLock.CommandsTopic, doorLock.Username, doorLock.Password, 1))
        {
            using var complete = new HttpRequestMessage(HttpMethod.Post, new Uri(Host.BaseAddress, $"vendor/v1/work-orders/{opened.WorkOrderId}/complete"))
            {
                Content = JsonContent.Create(new { invoiceNumber = "INV-LEAK-1", amount = 240m, currency = "USD" }),
            };
            complete.Headers.Authorization = new AuthenticationHeaderValue("Bearer", plumber.ApiKey);
            (await Host.Http.SendAsync(complete)).EnsureSuccessStatusCode();
            revoke = JsonDocument.Parse((await commands.MessagesAsync()).Single()).RootElement;
        }

        // The saga revokes the very code the lock confirmed, so it had recorded it as issued.
        revoke.GetProperty("command").GetString().ShouldBe("revoke-code");
        revoke.GetProperty("accessCodeId").GetGuid().ShouldBe(accessCodeId);
        (await Mosquitto.PublishAsync(Port, doorLock.EventsTopic, doorLock.Ack(revoke.GetProperty("commandId").GetGuid()), doorLock.Username, doorLock.Password))
            .ShouldBe(0);
        (await Host.Published.WaitForAsync<AccessCodeRevoked>(e => e.WorkOrderId == opened.WorkOrderId)).Single().AccessCodeId.ShouldBe(accessCodeId);
        Host.Published.All<LockCommandUnacknowledged>(e => e.WorkOrderId == opened.WorkOrderId).ShouldBeEmpty();
        (await Host.QuarantinedAsync(doorLock.DeviceId.ToString())).ShouldBeEmpty("the lock's acknowledgements were all taken");
    }
}
