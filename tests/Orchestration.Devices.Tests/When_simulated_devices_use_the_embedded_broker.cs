using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Orchestration.Devices.Tests.Infrastructure;
using Orchestration.Messages;
using Orchestration.Simulators.Hosting;

namespace Orchestration.Devices.Tests;

/// <summary>The device simulator's locks and sensors, real MQTT clients, against Devices with its embedded broker.</summary>
public sealed class When_simulated_devices_use_the_embedded_broker(EmbeddedBrokerDevicesFixture fixture)
    : IClassFixture<EmbeddedBrokerDevicesFixture>, IAsyncLifetime
{
    RunningSimulators? _simulators;
    HttpClient? _controls;

    InProcessEndpoint Host => fixture.Host;
    HttpClient Controls => _controls!;

    public async Task InitializeAsync()
    {
        var options = new SimulatorOptions();
        options.Payments.Enabled = options.ESignature.Enabled = options.Screening.Enabled = options.Mail.Enabled = options.Vendors.Enabled = false;
        options.Devices.Enabled = true;
        options.Devices.Url = $"http://127.0.0.1:{FreePort.Next()}";
        options.Devices.MqttPort = fixture.Port;
        _simulators = await SimulatorHost.StartAsync(options, CancellationToken.None);
        _controls = new HttpClient { BaseAddress = _simulators.Urls["Devices"] };
    }

    public async Task DisposeAsync()
    {
        _controls?.Dispose();
        if (_simulators is not null)
            await _simulators.DisposeAsync();
    }

    async Task ConnectAsync(TestDevice device, string kind, bool acknowledge = true)
    {
        (await Host.SendAsync(device.Register())).ShouldBeNull();
        var response = await Controls.PutAsJsonAsync($"/_sim/devices/{device.DeviceId}",
            new { kind, device.PropertyId, device.UnitId, device.Password, acknowledge });
        response.StatusCode.ShouldBe(HttpStatusCode.NoContent, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Should_open_a_work_order_when_a_simulated_sensor_raises_a_leak()
    {
        var sensor = new TestDevice(DeviceKind.LeakSensor);
        await ConnectAsync(sensor, "leak-sensor");

        (await Controls.PostAsync($"/_sim/devices/{sensor.DeviceId}/leak", null)).StatusCode.ShouldBe(HttpStatusCode.Accepted);

        (await Host.Published.WaitForAsync<RequestWorkOrder>(r => r.UnitId == sensor.UnitId)).Single().Alarm.ShouldBe("leak");
    }

    [Fact]
    public async Task Should_issue_the_code_when_the_simulated_lock_acknowledges_and_escalate_when_it_stays_silent()
    {
        var lease = new Leases();
        var answering = new TestDevice(DeviceKind.Lock, lease.PropertyId, lease.UnitId);
        await ConnectAsync(answering, "lock");
        (await Host.SendAsync(lease.IssueAccessCode())).ShouldBeNull();
        await Host.Published.WaitForAsync<AccessCodeIssued>(e => e.LeaseId == lease.LeaseId);

        var silent = new TestDevice(DeviceKind.Lock);
        await ConnectAsync(silent, "lock", acknowledge: false);
        var workOrderId = Guid.NewGuid();
        (await Host.SendAsync(new IssueVisitAccessCode
        {
            WorkOrderId = workOrderId, PropertyId = silent.PropertyId, UnitId = silent.UnitId, VendorId = Guid.NewGuid(),
            ValidFrom = DateTimeOffset.UtcNow, ValidUntil = DateTimeOffset.UtcNow.AddHours(2),
        })).ShouldBeNull();

        (await Host.Published.WaitForAsync<LockCommandUnacknowledged>(e => e.WorkOrderId == workOrderId)).Single().Attempts.ShouldBe(2);
        Host.Published.All<VisitAccessCodeIssued>(e => e.WorkOrderId == workOrderId).ShouldBeEmpty();
        var received = await Controls.GetFromJsonAsync<System.Text.Json.JsonElement>($"/_sim/devices/{silent.DeviceId}");
        received.GetProperty("commands").GetArrayLength().ShouldBe(2);
    }

    [Fact]
    public async Task Should_set_the_simulated_thermostat_to_vacancy_mode_once_the_lease_has_ended_and_not_before()
    {
        var ended = new TestDevice(DeviceKind.Thermostat);
        var running = new TestDevice(DeviceKind.Thermostat);
        await ConnectAsync(ended, "thermostat");
        await ConnectAsync(running, "thermostat");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        LeaseActivated Lease(TestDevice unit, DateOnly end) => new()
        {
            LeaseId = Guid.NewGuid(), PropertyId = unit.PropertyId, UnitId = unit.UnitId, TenantId = Guid.NewGuid(), MonthlyRent = Money.Of(1800m, "USD"),
            SecurityDeposit = Money.Of(1800m, "USD"), LeaseStart = end.AddYears(-1), LeaseEnd = end, ActivatedAt = DateTimeOffset.UtcNow.AddYears(-1),
            TenantName = "Ola Brandt", TenantEmail = "ola@example.com",
        };
        await Host.Bus.Publish(Lease(ended, today.AddDays(-1)));
        await Host.Bus.Publish(Lease(running, today));
        var sweep = Host.Services.GetRequiredService<Orchestration.Endpoints.Devices.Thermostats.VacancySweep>();

        async Task<IReadOnlyList<System.Text.Json.JsonElement>> CommandsAsync(TestDevice thermostat) =>
            [.. (await Controls.GetFromJsonAsync<System.Text.Json.JsonElement>($"/_sim/devices/{thermostat.DeviceId}")).GetProperty("commands").EnumerateArray()];
        await Eventually.HoldsAsync(async () =>
        {
            await sweep.RunOnceAsync(CancellationToken.None);
            return (await CommandsAsync(ended)).Count > 0;
        }, TimeSpan.FromSeconds(15), "the thermostat of the ended lease was commanded");

        var command = (await CommandsAsync(ended)).ShouldHaveSingleItem();
        command.GetProperty("command").GetString().ShouldBe("set-mode");
        command.GetProperty("mode").GetString().ShouldBe("vacancy");
        (await sweep.RunOnceAsync(CancellationToken.None)).ShouldBe(0);
        (await CommandsAsync(running)).ShouldBeEmpty();
    }
}
