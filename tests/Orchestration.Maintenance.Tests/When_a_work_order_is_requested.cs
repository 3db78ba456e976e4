namespace Orchestration.Maintenance.Tests;

public abstract class When_a_work_order_is_requested(MaintenanceFixture fixture) : MaintenanceTest(fixture)
{
    static RequestWorkOrder Request(string area, string description) => new()
    {
        WorkOrderId = Guid.NewGuid(),
        PropertyId = Guid.NewGuid(),
        UnitId = Guid.NewGuid(),
        Source = WorkOrderSource.Staff,
        Category = "plumbing",
        Description = description,
        ServiceArea = area,
        RequestedBy = "coord.lee",
    };

    [Fact]
    public async Task Should_triage_it_and_dispatch_it_to_the_registrys_choice_with_its_state_in_sql()
    {
        var area = RegistryAccess.NewArea();
        var vendor = await Host.RegisterAsync(area, "Juniper Plumbing", preference: 1);
        var request = Request(area, "Pipe burst under the sink");

        (await Host.SendAsync(request)).ShouldBeNull();

        var steps = await Host.Published.WaitForAsync<WorkOrderProgressed>(e => e.WorkOrderId == request.WorkOrderId, count: 2);
        steps.OrderBy(x => x.Sequence).Select(x => (x.Step, x.State)).ShouldBe([("Requested", "ChoosingVendor"), ("Dispatched", "AwaitingAcceptance")]);
        steps.Single(x => x.Step == "Requested").Detail.ShouldBe("Emergency plumbing");
        (await Host.Published.WaitForAsync<VendorChosen>(e => e.WorkOrderId == request.WorkOrderId)).Single().VendorId.ShouldBe(vendor);
        var rows = await Host.Database.RowsAsync("saga_maintenance_dispatch");
        rows.ShouldContain(row => Equals(row["current_state"], "AwaitingAcceptance"));
    }

    [Fact]
    public async Task Should_escalate_at_once_when_no_vendor_serves_the_area()
    {
        var request = Request(RegistryAccess.NewArea(), "Slow drain in the bathroom");

        (await Host.SendAsync(request)).ShouldBeNull();

        var steps = await Host.Published.WaitForAsync<WorkOrderProgressed>(e => e.WorkOrderId == request.WorkOrderId, count: 2);
        steps.OrderBy(x => x.Sequence).Last().State.ShouldBe("AwaitingStaff");
    }
}

public sealed class When_a_work_order_is_requested_on_sqlite(MaintenanceFixture.OnSqlite fixture)
    : When_a_work_order_is_requested(fixture), IClassFixture<MaintenanceFixture.OnSqlite>;

public sealed class When_a_work_order_is_requested_on_postgres(MaintenanceFixture.OnPostgres fixture)
    : When_a_work_order_is_requested(fixture), IClassFixture<MaintenanceFixture.OnPostgres>;
