namespace Orchestration.Operations.Tests;

/// <summary>Queue lengths read from RabbitMQ's management API and throughput from heartbeats, through the Gateway's monitoring API.</summary>
[Collection(DistributedMonitoringCollection.Name)]
public sealed class When_staff_watch_endpoint_monitoring(DistributedMonitoring fixture)
{
    MonitoringHost Host => fixture.Host;

    [Fact]
    public async Task Should_show_the_queue_rabbitmq_holds_and_the_work_handled_once_it_drains()
    {
        var accountant = await Host.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        await MonitoringFlow.QueueThenDrainAsync(Host, accountant, work: 12, queued: 12);
    }

    [Fact]
    public async Task Should_refuse_a_bad_range_naming_the_field_and_an_unknown_endpoint()
    {
        var staff = await Host.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        var now = DateTimeOffset.UtcNow;
        var backwards = await MonitoringFlow.JsonAsync(await staff.GetAsync(
            $"/api/operations/monitoring?from={Uri.EscapeDataString(now.ToString("O"))}&to={Uri.EscapeDataString(now.AddHours(-1).ToString("O"))}"),
            HttpStatusCode.BadRequest);
        backwards.GetProperty("errors").TryGetProperty("to", out _).ShouldBeTrue();
        var tooLong = await MonitoringFlow.JsonAsync(await staff.GetAsync(
            $"/api/operations/monitoring/operations?from={Uri.EscapeDataString(now.AddDays(-45).ToString("O"))}"), HttpStatusCode.BadRequest);
        tooLong.GetProperty("errors").TryGetProperty("from", out _).ShouldBeTrue();
        (await staff.GetAsync("/api/operations/monitoring/no-such-endpoint")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var anonymous = new HttpClient { BaseAddress = Host.Gateway.BaseAddress };
        (await anonymous.GetAsync("/api/operations/monitoring")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }
}
