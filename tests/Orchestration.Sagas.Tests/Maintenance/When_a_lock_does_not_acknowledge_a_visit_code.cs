using Orchestration.Messages.Maintenance;

namespace Orchestration.Sagas.Tests.Maintenance;

public class When_a_lock_does_not_acknowledge_a_visit_code
{
    static LockCommandUnacknowledged Escalation(WorkOrderHarness order, Guid commandId, string command) => new()
    {
        CommandId = commandId, DeviceId = Guid.NewGuid(), WorkOrderId = order.WorkOrderId, Command = command, Attempts = 3,
        EscalatedAt = WorkOrderHarness.Now,
    };

    [Fact]
    public async Task Should_page_staff_once_and_show_it_on_the_timeline_while_the_visit_stays_scheduled()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("AwaitingAcceptance");
        await order.AcceptWithWindow(0);
        var escalation = Escalation(order, Guid.NewGuid(), "issue-code");

        await order.Deliver(escalation);
        await order.Deliver(escalation);

        await order.ShouldBeIn(x => x.Scheduled);
        var page = order.Sent<PageMaintenanceStaff>().ShouldHaveSingleItem();
        page.DeduplicationKey.ShouldBe($"work-order-{order.WorkOrderId:N}-lock-{escalation.CommandId:N}");
        page.Reason.ShouldContain("visit code");
        (await order.StepsAsync()).ShouldBe(["Requested", "Dispatched", "Accepted", "LockUnacknowledged"]);
        order.NoMessageShouldHaveFaulted();
    }

    [Fact]
    public async Task Should_page_staff_when_the_lock_does_not_confirm_the_revocation_after_completion()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("Scheduled");
        await order.Complete(0, 180m);
        await order.ShouldBeIn(x => x.Completed);
        var revoke = order.Sent<RevokeVisitAccessCode>().ShouldHaveSingleItem();

        await order.Deliver(Escalation(order, Guid.NewGuid(), "revoke-code"));

        await order.ShouldBeIn(x => x.Completed);
        revoke.AccessCodeId.ShouldBe(order.AccessCodeId);
        order.Sent<PageMaintenanceStaff>().ShouldHaveSingleItem().Reason.ShouldContain("may still open the door");
        (await order.StepsAsync()).Last().ShouldBe("LockUnacknowledged");
        order.NoMessageShouldHaveFaulted();
    }

    [Fact]
    public async Task Should_leave_the_escalation_of_a_lease_code_to_the_lease()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("Scheduled");
        var leaseEscalation = Escalation(order, Guid.NewGuid(), "issue-code") with { WorkOrderId = null, LeaseId = Guid.NewGuid() };

        await order.Harness.Bus.Publish(leaseEscalation);

        (await order.Harness.Consumed.Any<LockCommandUnacknowledged>(x => x.Context.Message.CommandId == leaseEscalation.CommandId)).ShouldBeTrue();
        await order.ShouldBeIn(x => x.Scheduled);
        order.Sent<PageMaintenanceStaff>().ShouldBeEmpty();
        order.NoMessageShouldHaveFaulted();
    }
}
