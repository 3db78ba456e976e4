using Orchestration.Messages.Maintenance;

namespace Orchestration.Sagas.Tests.Maintenance;

public class When_work_order_messages_arrive_twice
{
    [Fact]
    public async Task Should_open_one_work_order_for_a_repeated_request()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.Open();

        await order.Deliver(order.Request());

        await order.ShouldBeIn(x => x.ChoosingVendor);
        order.Sent<ChooseVendor>().ShouldHaveSingleItem();
        order.Published<WorkOrderOpened>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Should_ask_for_one_code_when_the_vendor_accepts_twice()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("AwaitingAcceptance");
        await order.AcceptWithWindow(0);

        await order.Accept(0, WorkOrderHarness.Now.AddHours(3), WorkOrderHarness.Now.AddHours(5));
        await order.Deliver(new VendorChosen { WorkOrderId = order.WorkOrderId, Attempt = 1, VendorId = order.Vendors[0], VendorName = "Vendor 0" });

        await order.ShouldBeIn(x => x.Scheduled);
        order.Sent<IssueVisitAccessCode>().ShouldHaveSingleItem();
        order.Sent<DispatchToVendor>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Should_record_one_bill_when_the_completion_arrives_twice()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("Scheduled");

        await order.Complete(0, 150m);
        await order.Complete(0, 150m);

        await order.ShouldBeIn(x => x.Completed);
        order.Sent<RecordVendorBill>().ShouldHaveSingleItem();
        order.Sent<RevokeVisitAccessCode>().ShouldHaveSingleItem();
        order.Published<WorkOrderCompleted>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Should_ignore_a_completion_from_another_vendor()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("Scheduled");

        await order.Complete(1, 150m);

        await order.ShouldBeIn(x => x.Scheduled);
        order.Sent<RecordVendorBill>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_take_a_completion_that_overtakes_the_acceptance_as_both()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("AwaitingAcceptance");

        await order.Complete(0, 150m);
        await order.Accept(0);

        await order.ShouldBeIn(x => x.Completed);
        order.Sent<RecordVendorBill>().ShouldHaveSingleItem();
        order.Sent<IssueVisitAccessCode>().ShouldBeEmpty();
    }
}
