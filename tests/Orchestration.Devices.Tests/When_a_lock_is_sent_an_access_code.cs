using System.Text.Json;
using Orchestration.Devices.Tests.Infrastructure;

namespace Orchestration.Devices.Tests;

[Collection(DevicesOnRabbitMq.Name)]
public sealed class When_a_lock_is_sent_an_access_code(RabbitMqDevicesFixture fixture)
{
    static int Port => RabbitMqDevicesFixture.MqttPort;

    InProcessEndpoint Host => fixture.Host;

    [Fact]
    public async Task Should_announce_the_code_issued_and_revoked_only_when_the_lock_acknowledges()
    {
        var lease = new Leases();
        var device = new TestDevice(DeviceKind.Lock, lease.PropertyId, lease.UnitId);
        (await Host.SendAsync(device.Register())).ShouldBeNull();

        JsonElement issue;
        using (var commands = await Mosquitto.SubscribeAsync(Port, device.CommandsTopic, device.Username, device.Password, 1))
        {
            (await Host.SendAsync(lease.IssueAccessCode())).ShouldBeNull();
            issue = JsonDocument.Parse((await commands.MessagesAsync()).Single()).RootElement;
        }

        issue.GetProperty("command").GetString().ShouldBe("issue-code");
        issue.GetProperty("code").GetString().ShouldNotBeNull().Length.ShouldBe(6);
        issue.GetProperty("validFrom").GetString().ShouldBe("2027-01-01");
        Host.Published.All<AccessCodeIssued>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty();

        var commandId = issue.GetProperty("commandId").GetGuid();
        (await Mosquitto.PublishAsync(Port, device.EventsTopic, device.Ack(commandId), device.Username, device.Password)).ShouldBe(0);
        var issued = (await Host.Published.WaitForAsync<AccessCodeIssued>(e => e.LeaseId == lease.LeaseId)).Single();
        issued.AccessCodeId.ShouldBe(issue.GetProperty("accessCodeId").GetGuid());

        JsonElement revoke;
        using (var commands = await Mosquitto.SubscribeAsync(Port, device.CommandsTopic, device.Username, device.Password, 1))
        {
            (await Host.SendAsync(lease.RevokeAccessCode(issued.AccessCodeId))).ShouldBeNull();
            revoke = JsonDocument.Parse((await commands.MessagesAsync()).Single()).RootElement;
        }

        revoke.GetProperty("command").GetString().ShouldBe("revoke-code");
        revoke.GetProperty("accessCodeId").GetGuid().ShouldBe(issued.AccessCodeId);
        (await Mosquitto.PublishAsync(Port, device.EventsTopic, device.Ack(revoke.GetProperty("commandId").GetGuid()), device.Username, device.Password))
            .ShouldBe(0);
        (await Host.Published.WaitForAsync<AccessCodeRevoked>(e => e.LeaseId == lease.LeaseId)).Single().AccessCodeId.ShouldBe(issued.AccessCodeId);
    }

    [Fact]
    public async Task Should_send_again_and_then_escalate_when_the_lock_stays_silent()
    {
        var device = new TestDevice(DeviceKind.Lock);
        (await Host.SendAsync(device.Register())).ShouldBeNull();
        var workOrderId = Guid.NewGuid();

        using var commands = await Mosquitto.SubscribeAsync(Port, device.CommandsTopic, device.Username, device.Password, 2);
        (await Host.SendAsync(new IssueVisitAccessCode
        {
            WorkOrderId = workOrderId, PropertyId = device.PropertyId, UnitId = device.UnitId, VendorId = Guid.NewGuid(),
            ValidFrom = DateTimeOffset.UtcNow, ValidUntil = DateTimeOffset.UtcNow.AddHours(2),
        })).ShouldBeNull();

        var sent = (await commands.MessagesAsync()).Select(m => JsonDocument.Parse(m).RootElement).ToList();
        sent.Count.ShouldBe(2);
        sent.Select(c => c.GetProperty("commandId").GetGuid()).Distinct().Count().ShouldBe(1);
        sent.Select(c => c.GetProperty("code").GetString()).ShouldAllBe(code => code!.Length == 6);
        var escalated = (await Host.Published.WaitForAsync<LockCommandUnacknowledged>(e => e.WorkOrderId == workOrderId)).Single();
        escalated.Attempts.ShouldBe(2);
        escalated.DeviceId.ShouldBe(device.DeviceId);
        Host.Published.All<VisitAccessCodeIssued>(e => e.WorkOrderId == workOrderId).ShouldBeEmpty();
    }
}
