using Orchestration.Messages.Maintenance;

namespace Orchestration.Sagas.Tests.Maintenance;

public class When_the_invoice_is_above_the_spending_limit
{
    [Fact]
    public async Task Should_page_staff_for_approval_and_record_no_bill_yet()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("AwaitingApproval");

        var page = order.Sent<PageMaintenanceStaff>().ShouldHaveSingleItem();
        page.DeduplicationKey.ShouldBe($"work-order-{order.WorkOrderId:N}-invoice-approval");
        order.Sent<RecordVendorBill>().ShouldBeEmpty();
        order.Sent<RequestWorkOrderFeedback>().ShouldBeEmpty();
        order.Sent<RevokeVisitAccessCode>().ShouldHaveSingleItem("the code goes at completion, approved or not");
    }

    [Fact]
    public async Task Should_record_the_bill_once_staff_approve()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("AwaitingApproval");

        await order.Deliver(new ApproveWorkOrderInvoice { WorkOrderId = order.WorkOrderId, ApprovedBy = "pm.rivera" });
        await order.Deliver(new ApproveWorkOrderInvoice { WorkOrderId = order.WorkOrderId, ApprovedBy = "pm.rivera" });

        await order.ShouldBeIn(x => x.Completed);
        order.Sent<RecordVendorBill>().ShouldHaveSingleItem().Amount.ShouldBe(Money.Of(950m, "USD"));
        order.Sent<RequestWorkOrderFeedback>().ShouldHaveSingleItem();
        order.Order.ShouldNotBeNull().ApprovedBy.ShouldBe("pm.rivera");
    }

    [Fact]
    public async Task Should_ask_for_approval_of_an_invoice_in_another_currency_than_the_limit()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("Scheduled");

        await order.Complete(0, 50m, "EUR");

        await order.ShouldBeIn(x => x.AwaitingApproval);
        order.Sent<RecordVendorBill>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_record_an_invoice_exactly_at_the_limit_without_approval()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("Scheduled");

        await order.Complete(0, WorkOrderHarness.SpendingLimit.Amount);

        await order.ShouldBeIn(x => x.Completed);
        order.Sent<PageMaintenanceStaff>().ShouldBeEmpty();
    }
}
