using Orchestration.Messages.Maintenance;
using Orchestration.Sagas.Maintenance;

namespace Orchestration.Sagas.Tests.Maintenance;

public class When_staff_cancel_a_work_order
{
    const string Reason = "Tenant fixed it themselves";
    const string Withdraw = nameof(WithdrawDispatch);
    const string Revoke = nameof(RevokeVisitAccessCode);

    public static TheoryData<string, string[]> UndoneByStage => new()
    {
        { nameof(MaintenanceDispatchStateMachine.ChoosingVendor), [] },
        { nameof(MaintenanceDispatchStateMachine.AwaitingAcceptance), [Withdraw] },
        { nameof(MaintenanceDispatchStateMachine.AwaitingVisitWindow), [Withdraw] },
        { nameof(MaintenanceDispatchStateMachine.Scheduled), [Withdraw, Revoke] },
    };

    [Theory]
    [MemberData(nameof(UndoneByStage))]
    public async Task Should_undo_exactly_what_was_issued(string stage, string[] expected)
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo(stage);

        await order.Cancel(Reason);

        await order.ShouldBeIn(x => x.Cancelled);
        var undone = new Dictionary<string, int>
        {
            [Withdraw] = order.Sent<WithdrawDispatch>().Count,
            [Revoke] = order.Sent<RevokeVisitAccessCode>().Count,
        };
        undone.Where(x => x.Value > 0).Select(x => x.Key).ShouldBe(expected, ignoreOrder: true);
        undone.Values.ShouldAllBe(count => count <= 1);
        var cancelled = order.Published<WorkOrderCancelled>().ShouldHaveSingleItem();
        cancelled.CancelledDuring.ShouldBe(stage);
        cancelled.CancelledBy.ShouldBe("coord.lee");
        order.Sent<RecordVendorBill>().ShouldBeEmpty();
        order.NoMessageShouldHaveFaulted();
    }

    [Fact]
    public async Task Should_revoke_a_code_that_was_asked_for_but_not_yet_confirmed()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("AwaitingAcceptance");
        await order.AcceptWithWindow(0);

        await order.Cancel(Reason);

        await order.ShouldBeIn(x => x.Cancelled);
        var revoke = order.Sent<RevokeVisitAccessCode>().ShouldHaveSingleItem();
        revoke.AccessCodeId.ShouldBeNull();
        revoke.Reason.ShouldBe(Reason);
    }

    [Fact]
    public async Task Should_cancel_an_escalated_work_order()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.Open();
        await order.Deliver(new NoVendorAvailable { WorkOrderId = order.WorkOrderId, Attempt = 1, Reason = "None insured" });

        await order.Cancel(Reason);

        await order.ShouldBeIn(x => x.Cancelled);
        order.Published<WorkOrderCancelled>().ShouldHaveSingleItem().CancelledDuring.ShouldBe("AwaitingStaff");
        order.Sent<WithdrawDispatch>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_cancel_an_invoice_awaiting_approval_without_a_bill()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("AwaitingApproval");

        await order.Cancel(Reason);
        await order.Deliver(new ApproveWorkOrderInvoice { WorkOrderId = order.WorkOrderId, ApprovedBy = "pm.rivera" });

        await order.ShouldBeIn(x => x.Cancelled);
        order.Sent<RecordVendorBill>().ShouldBeEmpty();
        order.Sent<RevokeVisitAccessCode>().ShouldHaveSingleItem("revoked at completion, not again");
    }

    [Fact]
    public async Task Should_take_a_second_cancellation_and_late_vendor_replies_in_its_stride()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("Scheduled");

        await order.Cancel(Reason);
        await order.Cancel(Reason);
        await order.Complete(0, 100m);

        await order.ShouldBeIn(x => x.Cancelled);
        order.Published<WorkOrderCancelled>().ShouldHaveSingleItem();
        order.Sent<RevokeVisitAccessCode>().ShouldHaveSingleItem();
        order.Sent<RecordVendorBill>().ShouldBeEmpty();
        order.NoMessageShouldHaveFaulted();
    }
}
