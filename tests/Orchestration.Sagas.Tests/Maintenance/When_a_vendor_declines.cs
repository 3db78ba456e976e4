using Orchestration.Messages.Maintenance;

namespace Orchestration.Sagas.Tests.Maintenance;

public class When_a_vendor_declines
{
    [Fact]
    public async Task Should_ask_for_the_next_vendor_leaving_out_the_one_that_declined()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("AwaitingAcceptance");

        await order.Decline(0);

        await order.ShouldBeIn(x => x.ChoosingVendor);
        var next = order.Sent<ChooseVendor>().Last();
        next.Attempt.ShouldBe(2);
        next.Excluding.ShouldBe([order.Vendors[0]]);
        order.Sent<WithdrawDispatch>().ShouldBeEmpty();
        order.NoMessageShouldHaveFaulted();
    }

    [Fact]
    public async Task Should_dispatch_to_the_next_vendor_and_ignore_a_late_answer_to_the_first_choice()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("AwaitingAcceptance");
        await order.Decline(0);
        await order.ShouldBeIn(x => x.ChoosingVendor);

        await order.Deliver(new VendorChosen { WorkOrderId = order.WorkOrderId, Attempt = 1, VendorId = order.Vendors[0], VendorName = "Vendor 0" });
        await order.ShouldBeIn(x => x.ChoosingVendor);
        await order.RegistryChooses(1);

        order.Sent<DispatchToVendor>().Select(x => x.VendorId).ShouldBe([order.Vendors[0], order.Vendors[1]]);
        order.Sent<DispatchToVendor>().Select(x => x.EventId).Distinct().Count().ShouldBe(2);
    }

    [Fact]
    public async Task Should_ignore_a_decline_from_a_vendor_that_does_not_hold_the_job()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("AwaitingAcceptance");

        await order.Decline(1);
        await order.Accept(1);

        await order.ShouldBeIn(x => x.AwaitingAcceptance);
        order.Sent<ChooseVendor>().ShouldHaveSingleItem();
    }
}
