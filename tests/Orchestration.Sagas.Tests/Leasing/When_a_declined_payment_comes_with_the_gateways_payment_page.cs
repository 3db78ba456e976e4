using Orchestration.Sagas.Leasing;

namespace Orchestration.Sagas.Tests.Leasing;

public class When_a_declined_payment_comes_with_the_gateways_payment_page
{
    [Fact]
    public async Task Should_send_the_tenant_that_page_to_pay_again()
    {
        const string page = "http://127.0.0.1:5090/pay/pi_declined_secret_0123456789abcdef";
        await using var lease = await LeaseSigningHarness.Start();
        await lease.AdvanceTo(nameof(LeaseSigningStateMachine.AwaitingMoveInFunds));

        await lease.Deliver(new MoveInPaymentFailed
        {
            LeaseId = lease.LeaseId, PaymentId = "pi_declined", Reason = "Your card was declined.", FailedAt = LeaseSigningHarness.Now, PaymentUrl = page,
        });

        lease.Emails(TenantEmail.MoveInPaymentFailed).ShouldHaveSingleItem().Values["PaymentUrl"].ShouldBe(page);
        lease.Lease.ShouldNotBeNull().MoveInPaymentUrl.ShouldBe(page);
    }
}
