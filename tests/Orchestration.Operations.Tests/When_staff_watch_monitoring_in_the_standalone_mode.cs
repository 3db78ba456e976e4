namespace Orchestration.Operations.Tests;

/// <summary>The same monitoring on the in-memory transport: queue lengths are the delivery journal's unfinished copies.</summary>
[Collection(StandaloneMonitoringCollection.Name)]
public sealed class When_staff_watch_monitoring_in_the_standalone_mode(StandaloneMonitoring fixture)
{
    [Fact]
    public async Task Should_show_the_queue_the_in_memory_transport_holds_and_the_work_handled_once_it_drains()
    {
        var accountant = await fixture.Host.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        fixture.Host.Gate.HoldAtMost = TimeSpan.FromMilliseconds(150);
        await MonitoringFlow.QueueThenDrainAsync(fixture.Host, accountant, work: 40, queued: 10);
    }
}
