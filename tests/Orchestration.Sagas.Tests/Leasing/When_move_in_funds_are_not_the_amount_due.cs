using Orchestration.Messages.Reconciliation;
using Orchestration.Sagas.Leasing;

namespace Orchestration.Sagas.Tests.Leasing;

/// <summary>
/// Billing passes on only the payment it asked for, yet the lease itself also moves only on exactly the deposit and the
/// first month's rent, in the lease's currency: anything else is reported for staff and the lease goes on waiting.
/// </summary>
public class When_move_in_funds_are_not_the_amount_due
{
    [Theory]
    [InlineData(0.01, "USD")]
    [InlineData(4625.00, "EUR")]
    [InlineData(0, "JPY")]
    [InlineData(4625.01, "USD")]
    public async Task Should_keep_waiting_report_the_mismatch_and_issue_no_access_code(decimal amount, string currency)
    {
        await using var lease = await LeaseSigningHarness.Start();
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.AwaitingMoveInFunds));

        await lease.Deliver(new MoveInFundsReceived
        {
            LeaseId = lease.LeaseId, PaymentId = "pi_other", Amount = new Money(amount, currency), ReceivedAt = LeaseSigningHarness.Now, ProviderEventId = "evt_odd",
        });

        await lease.ShouldBeIn(x => x.AwaitingMoveInFunds);
        lease.Sent<IssueAccessCode>().ShouldBeEmpty();
        lease.Emails(TenantEmail.MoveInFundsReceived).ShouldBeEmpty();
        lease.Lease.ShouldNotBeNull().MoveInFundsReceivedAt.ShouldBeNull();
        var discrepancy = lease.Published<ProviderEventDiscrepancyRecorded>().ShouldHaveSingleItem();
        discrepancy.Kind.ShouldBe(DiscrepancyKinds.Mismatch);
        discrepancy.EventId.ShouldBe("evt_odd");
        discrepancy.LeaseId.ShouldBe(lease.LeaseId);
        discrepancy.ProviderReference.ShouldBe("pi_other");
        discrepancy.Reason.ShouldContain("due 4,625.00 USD");
        lease.NoMessageShouldHaveFaulted();

        await lease.FundsArrive();
        lease.Sent<IssueAccessCode>().ShouldHaveSingleItem();
    }
}
