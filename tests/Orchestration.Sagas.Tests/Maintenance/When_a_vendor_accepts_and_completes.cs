using Orchestration.Messages.Maintenance;

namespace Orchestration.Sagas.Tests.Maintenance;

public class When_a_vendor_accepts_and_completes(When_a_vendor_accepts_and_completes.Scenario scenario)
    : IClassFixture<When_a_vendor_accepts_and_completes.Scenario>
{
    public sealed class Scenario : IAsyncLifetime
    {
        public WorkOrderHarness Order { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Order = await WorkOrderHarness.Start();
            await Order.Open();
            await Order.RegistryChooses(0);
            await Order.AcceptWithWindow(0);
            await Order.CodeIssued();
            await Order.Complete(0, 180m);
            await Order.ShouldBeIn(x => x.Completed);
        }

        public async Task DisposeAsync() => await Order.DisposeAsync();
    }

    readonly WorkOrderHarness _order = scenario.Order;

    [Fact]
    public void Should_ask_the_registry_for_a_vendor_of_the_trade_and_area()
    {
        var choose = _order.Sent<ChooseVendor>().ShouldHaveSingleItem();
        choose.Trade.ShouldBe("plumbing");
        choose.ServiceArea.ShouldBe("97201");
        choose.Excluding.ShouldBeEmpty();
    }

    [Fact]
    public void Should_dispatch_to_the_chosen_vendor_with_the_urgent_deadline()
    {
        var dispatch = _order.Sent<DispatchToVendor>().ShouldHaveSingleItem();
        dispatch.VendorId.ShouldBe(_order.Vendors[0]);
        dispatch.Priority.ShouldBe(WorkOrderPriority.Urgent);
        dispatch.AcceptBy.ShouldBe(WorkOrderHarness.Now + _order.Options.UrgentAcceptance);
        dispatch.EventId.ShouldNotBe(Guid.Empty);
    }

    [Fact]
    public void Should_ask_for_a_lock_code_valid_for_the_visit_window_only()
    {
        var issue = _order.Sent<IssueVisitAccessCode>().ShouldHaveSingleItem();
        issue.UnitId.ShouldBe(_order.UnitId);
        issue.VendorId.ShouldBe(_order.Vendors[0]);
        issue.ValidFrom.ShouldBe(WorkOrderHarness.Now.AddHours(3));
        issue.ValidUntil.ShouldBe(WorkOrderHarness.Now.AddHours(5));
    }

    [Fact]
    public void Should_revoke_the_code_when_the_work_is_completed()
    {
        var revoke = _order.Sent<RevokeVisitAccessCode>().ShouldHaveSingleItem();
        revoke.AccessCodeId.ShouldBe(_order.AccessCodeId);
        revoke.UnitId.ShouldBe(_order.UnitId);
    }

    [Fact]
    public void Should_record_the_vendor_bill_once_keyed_by_the_work_order()
    {
        var bill = _order.Sent<RecordVendorBill>().ShouldHaveSingleItem();
        bill.Amount.ShouldBe(Money.Of(180m, "USD"));
        bill.InvoiceNumber.ShouldBe(WorkOrderHarness.InvoiceNumber);
        bill.VendorId.ShouldBe(_order.Vendors[0]);
        bill.IdempotencyKey.ShouldBe($"work-order-{_order.WorkOrderId:N}-bill");
    }

    [Fact]
    public void Should_ask_the_tenant_for_feedback_and_page_nobody()
    {
        var feedback = _order.Sent<RequestWorkOrderFeedback>().ShouldHaveSingleItem();
        feedback.RecipientEmail.ShouldBe(WorkOrderHarness.TenantEmail);
        _order.Sent<PageMaintenanceStaff>().ShouldBeEmpty();
        _order.Sent<WithdrawDispatch>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_keep_a_timeline_of_every_step()
    {
        (await _order.StepsAsync()).ShouldBe(["Requested", "Dispatched", "Accepted", "Completed"]);
        _order.Published<WorkOrderProgressed>().Select(x => x.Sequence).Order().ShouldBe([1, 2, 3, 4]);
        _order.Published<WorkOrderCompleted>().ShouldHaveSingleItem().InvoiceAmount.ShouldBe(Money.Of(180m, "USD"));
        _order.NoMessageShouldHaveFaulted();
    }
}
