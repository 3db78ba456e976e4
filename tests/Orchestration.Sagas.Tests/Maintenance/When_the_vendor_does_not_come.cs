using Orchestration.Messages.Maintenance;
using Orchestration.Sagas.Maintenance;

namespace Orchestration.Sagas.Tests.Maintenance;

public class When_the_vendor_does_not_come
{
    [Fact]
    public async Task Should_revoke_the_code_withdraw_the_job_and_dispatch_to_another_vendor()
    {
        var options = WorkOrderHarness.DeadlinesOutOfTheWay;
        options.NoShowGrace = TimeSpan.FromSeconds(2);
        await using var order = await WorkOrderHarness.Start(options);
        await order.AdvanceTo("AwaitingVisitWindow");

        // The window ends at the harness clock's "now", so the no-show deadline is the grace period away.
        await order.ProposeWindow(0, WorkOrderHarness.Now.AddHours(-2), WorkOrderHarness.Now);
        await order.CodeIssued();

        await order.ShouldBeIn(x => x.ChoosingVendor);
        order.Sent<RevokeVisitAccessCode>().ShouldHaveSingleItem().AccessCodeId.ShouldBe(order.AccessCodeId);
        order.Sent<WithdrawDispatch>().ShouldHaveSingleItem().Reason.ShouldBe("No-show");
        order.Sent<ChooseVendor>().Last().Excluding.ShouldBe([order.Vendors[0]]);
        (await order.StepsAsync()).ShouldContain("NoShow");
        order.NoMessageShouldHaveFaulted();
    }

    [Fact]
    public async Task Should_not_count_a_completed_visit_as_a_no_show()
    {
        var options = WorkOrderHarness.DeadlinesOutOfTheWay;
        options.NoShowGrace = TimeSpan.FromSeconds(2);
        await using var order = await WorkOrderHarness.Start(options);
        await order.AdvanceTo("AwaitingVisitWindow");
        await order.ProposeWindow(0, WorkOrderHarness.Now.AddHours(-2), WorkOrderHarness.Now);
        await order.Complete(0, 120m);
        await order.ShouldBeIn(x => x.Completed);

        await Task.Delay(TimeSpan.FromSeconds(2.5));

        await order.ShouldBeIn(x => x.Completed);
        order.Sent<WithdrawDispatch>().ShouldBeEmpty();
        order.Sent<ChooseVendor>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task Should_revoke_the_old_code_and_ask_for_a_new_one_when_the_visit_moves()
    {
        await using var order = await WorkOrderHarness.Start();
        await order.AdvanceTo("Scheduled");

        await order.ProposeWindow(0, WorkOrderHarness.Now.AddDays(1), WorkOrderHarness.Now.AddDays(1).AddHours(2));

        await order.ShouldBeIn(x => x.Scheduled);
        order.Sent<RevokeVisitAccessCode>().ShouldHaveSingleItem().AccessCodeId.ShouldBe(order.AccessCodeId);
        order.Sent<IssueVisitAccessCode>().Select(x => x.ValidFrom)
            .ShouldBe([WorkOrderHarness.Now.AddHours(3), WorkOrderHarness.Now.AddDays(1)]);
        order.Order.ShouldNotBeNull().AccessCodeId.ShouldBeNull();
    }
}
