using Orchestration.Sagas.Leasing;

namespace Orchestration.Sagas.Tests.Leasing;

public class When_a_move_in_payment_fails(When_a_move_in_payment_fails.Scenario scenario) : IClassFixture<When_a_move_in_payment_fails.Scenario>
{
    public sealed class Scenario : LeaseScenario
    {
        protected override async Task Play(LeaseSigningHarness lease)
        {
            await lease.AdvanceTo(nameof(LeaseSigningStateMachine.AwaitingMoveInFunds));
            await lease.PaymentFails("card_declined");
            await lease.PaymentFails("insufficient_funds");
        }
    }

    readonly LeaseSigningHarness _lease = scenario.Lease;

    [Fact]
    public async Task Should_keep_waiting_for_the_funds()
    {
        await _lease.ShouldBeIn(x => x.AwaitingMoveInFunds);
        var record = _lease.Lease.ShouldNotBeNull();
        record.FailedMoveInPayments.ShouldBe(2);
        record.LastMoveInPaymentFailure.ShouldBe("insufficient_funds");
        _lease.Sent<IssueAccessCode>().ShouldBeEmpty();
    }

    [Fact]
    public void Should_tell_the_tenant_about_each_failure()
    {
        var notices = _lease.Emails(TenantEmail.MoveInPaymentFailed);
        notices.Select(x => (x.DeduplicationKey, x.Values["Reason"]))
            .ShouldBe([($"lease-{_lease.LeaseId:N}-payment-failed-1", "card_declined"), ($"lease-{_lease.LeaseId:N}-payment-failed-2", "insufficient_funds")],
                ignoreOrder: true);
        notices.ShouldAllBe(x => x.RecipientEmail == LeaseSigningHarness.ApplicantEmail);
        notices.ShouldAllBe(x => x.Values["AmountDue"] == "4,625.00 USD");
        notices.ShouldAllBe(x => x.Values["PaymentUrl"] == LeaseSigningHarness.PaymentPage);
    }

    [Fact]
    public void Should_announce_each_failure_as_a_step_without_moving_on()
    {
        var failures = _lease.Progress().Where(x => x.Step == "MoveInPaymentFailed").ToList();
        failures.Select(x => x.Detail).ShouldBe(["card_declined", "insufficient_funds"]);
        failures.ShouldAllBe(x => x.State == "AwaitingMoveInFunds");
        _lease.Progress().Select(x => x.Sequence).ShouldBe(Enumerable.Range(1, 7));
    }

    [Fact]
    public void Should_not_ask_for_the_funds_again()
    {
        _lease.Sent<RequestMoveInFunds>().ShouldHaveSingleItem();
    }
}

public class When_a_move_in_payment_fails_without_a_page_to_pay_on
{
    [Fact]
    public async Task Should_record_the_failure_without_emailing_a_link_that_leads_nowhere()
    {
        await using var lease = await LeaseSigningHarness.Start();
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.AwaitingMoveInFunds));

        await lease.PaymentFails("card_declined", paymentPage: null);

        lease.Lease.ShouldNotBeNull().FailedMoveInPayments.ShouldBe(1);
        lease.Emails(TenantEmail.MoveInPaymentFailed).ShouldBeEmpty();
        await lease.ShouldBeIn(x => x.AwaitingMoveInFunds);
    }
}

public class When_a_move_in_payment_succeeds_after_failing
{
    [Fact]
    public async Task Should_accept_it_and_activate_the_lease()
    {
        await using var lease = await LeaseSigningHarness.Start();
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.AwaitingMoveInFunds));
        await lease.PaymentFails("card_declined");

        await lease.FundsArrive();
        lease.Sent<IssueAccessCode>().ShouldHaveSingleItem();

        await lease.AccessCodeIssued();
        lease.Published<LeaseActivated>().ShouldHaveSingleItem();
        var record = lease.Lease.ShouldNotBeNull();
        record.MoveInPaymentId.ShouldBe(LeaseSigningHarness.PaymentId);
        record.FailedMoveInPayments.ShouldBe(1);
        lease.NoMessageShouldHaveFaulted();
    }
}
