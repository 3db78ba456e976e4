using System.Globalization;
using Orchestration.Endpoints.Operations.Heartbeats;
using Orchestration.Platform.Storage;

namespace Orchestration.Operations.Tests;

/// <summary>
/// An endpoint's first heartbeat waits for its bus: checked while the endpoint was still starting, the bus's own check
/// failed, so every start of every endpoint alerted "check failed" and, seconds later, "passes again".
/// </summary>
[Collection(DistributedMonitoringCollection.Name)]
public sealed class When_an_endpoint_starts(DistributedMonitoring fixture)
{
    MonitoringHost Host => fixture.Host;

    [Fact]
    public async Task Should_report_its_bus_passing_from_the_first_heartbeat_and_raise_no_alert_about_it()
    {
        // Both hosts started with the fixture and beat every second; three beats of each are well past their start.
        await Eventually.HoldsAsync(async () =>
        {
            var instances = await Host.Operations.ReadAsync<EndpointInstanceStore, List<EndpointInstanceRow>>((store, _, ct) => store.ListAsync(ct));
            return new[] { "gateway", Host.OperationsEndpoint }.All(endpoint =>
                instances.Any(i => i.Endpoint == endpoint && i.LastHeartbeat - i.FirstSeen >= 2_000));
        }, TimeSpan.FromSeconds(30), "both hosts have beaten three times");

        var busAlerts = await Host.Operations.ReadAsync<SqlStorage, long>(async (storage, session, ct) =>
        {
            await using var count = session.CreateCommand($"SELECT COUNT(*) FROM {storage.Table("alerts")} WHERE subject LIKE '%masstransit-bus%'");
            return Convert.ToInt64(await count.ExecuteScalarAsync(ct), CultureInfo.InvariantCulture);
        });
        busAlerts.ShouldBe(0, "no alert about the bus check of an endpoint that was only starting");
    }
}
