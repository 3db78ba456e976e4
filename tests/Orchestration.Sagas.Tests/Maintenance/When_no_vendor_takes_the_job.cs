using Orchestration.Messages.Maintenance;
using Orchestration.Sagas.Maintenance;

namespace Orchestration.Sagas.Tests.Maintenance;

public class When_no_vendor_takes_the_job
{
    static MaintenanceDispatchOptions QuickEmergency => new()
    {
        EmergencyAcceptance = TimeSpan.FromSeconds(1.5),
        UrgentAcceptance = TimeSpan.FromHours(2),
        RoutineAcceptance = TimeSpan.FromHours(3),
    };

    [Fact]
    public async Task Should_give_an_emergency_fifteen_minutes_by_default()
    {
        await using var order = await WorkOrderHarness.Start(new MaintenanceDispatchOptions());
        await order.Open(order.Request("general", "Water under the sink", alarm: "leak"));
        await order.RegistryChooses(0);

        var dispatch = order.Sent<DispatchToVendor>().ShouldHaveSingleItem();
        dispatch.Priority.ShouldBe(WorkOrderPriority.Emergency);
        dispatch.AcceptBy.ShouldBe(WorkOrderHarness.Now.AddMinutes(15));
    }

    [Fact]
    public async Task Should_withdraw_the_offer_and_try_the_next_vendor_when_the_deadline_passes()
    {
        await using var order = await WorkOrderHarness.Start(QuickEmergency);
        await order.Open(order.Request("general", "Water under the sink", alarm: "leak"));
        await order.RegistryChooses(0);

        await order.ShouldBeIn(x => x.ChoosingVendor);

        order.Sent<WithdrawDispatch>().ShouldHaveSingleItem().VendorId.ShouldBe(order.Vendors[0]);
        order.Sent<ChooseVendor>().Last().Excluding.ShouldBe([order.Vendors[0]]);
        (await order.StepsAsync()).ShouldContain("AcceptanceTimedOut");
    }

    [Fact]
    public async Task Should_page_staff_once_the_third_vendor_has_let_the_deadline_pass()
    {
        await using var order = await WorkOrderHarness.Start(QuickEmergency);
        await order.Open(order.Request("general", "Water under the sink", alarm: "leak"));
        for (var vendor = 0; vendor < 3; vendor++)
        {
            await order.RegistryChooses(vendor);
            await order.ShouldBeIn(x => vendor < 2 ? x.ChoosingVendor : x.AwaitingStaff);
        }

        order.Sent<ChooseVendor>().Count.ShouldBe(3);
        order.Sent<WithdrawDispatch>().Count.ShouldBe(3);
        var page = order.Sent<PageMaintenanceStaff>().ShouldHaveSingleItem();
        page.Priority.ShouldBe(WorkOrderPriority.Emergency);
        page.PropertyId.ShouldBe(order.PropertyId);
    }

    [Fact]
    public async Task Should_page_staff_when_all_three_vendors_decline()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.Open();
        for (var vendor = 0; vendor < 3; vendor++)
        {
            await order.RegistryChooses(vendor);
            await order.Decline(vendor);
        }

        await order.ShouldBeIn(x => x.AwaitingStaff);
        order.Sent<ChooseVendor>().Count.ShouldBe(3);
        order.Sent<PageMaintenanceStaff>().ShouldHaveSingleItem().DeduplicationKey.ShouldBe($"work-order-{order.WorkOrderId:N}-escalated-3");
        (await order.StepsAsync()).ShouldBe(["Requested", "Dispatched", "Declined", "Dispatched", "Declined", "Dispatched", "Declined", "Escalated"]);
    }

    [Fact]
    public async Task Should_page_staff_when_the_registry_has_no_eligible_vendor()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.Open();

        await order.Deliver(new NoVendorAvailable { WorkOrderId = order.WorkOrderId, Attempt = 1, Reason = "No insured plumber covers 97201" });

        await order.ShouldBeIn(x => x.AwaitingStaff);
        order.Sent<PageMaintenanceStaff>().ShouldHaveSingleItem().Reason.ShouldBe("No insured plumber covers 97201");
    }

    [Fact]
    public async Task Should_dispatch_again_to_the_vendor_staff_name_when_they_reassign()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.Open();
        await order.Deliver(new NoVendorAvailable { WorkOrderId = order.WorkOrderId, Attempt = 1, Reason = "None insured" });

        await order.Deliver(new ReassignWorkOrder { WorkOrderId = order.WorkOrderId, VendorId = order.Vendors[3], ReassignedBy = "coord.lee" });

        await order.ShouldBeIn(x => x.ChoosingVendor);
        var choose = order.Sent<ChooseVendor>().Last();
        choose.PreferredVendorId.ShouldBe(order.Vendors[3]);
        choose.Attempt.ShouldBe(2);
        await order.RegistryChooses(3);
        order.Sent<DispatchToVendor>().ShouldHaveSingleItem().VendorId.ShouldBe(order.Vendors[3]);
    }
}
