using Orchestration.Endpoints.Billing.Rent;

namespace Orchestration.Billing.Tests.Rent;

/// <summary>
/// The rent-collection saga's notices become the tenant's emails, asked of Notifications under the notice's own
/// deduplication key; an invoice carries a link to the gateway's hosted page. On SQLite, with the payment simulator.
/// </summary>
public sealed class When_a_rent_notice_is_given(BillingFixture fixture) : BillingTest(fixture)
{
    readonly RentCharges _rent = new(fixture.Host);

    static SendRentNotice Notice(RentCharges.Charge charge, RentNotice notice, string fact, string? reason = null, DateTimeOffset? nextAttemptAt = null) =>
        new()
        {
            LeaseId = charge.LeaseId, ChargeId = charge.ChargeId, Notice = notice, Amount = Money.Of(1850.00m, "USD"),
            DeduplicationKey = $"rent-{charge.ChargeId:N}-{fact}", Reason = reason, NextAttemptAt = nextAttemptAt,
        };

    async Task<IReadOnlyList<SendTenantEmail>> EmailsAsync(string deduplicationKey, int count = 1) =>
        await Host.Published.WaitForAsync<SendTenantEmail>(e => e.DeduplicationKey == deduplicationKey, count);

    [Fact]
    public async Task Should_send_an_invoice_with_one_payment_link_however_often_it_is_given()
    {
        var charge = await _rent.PostedAsync(1850.00m);
        var invoice = Notice(charge, RentNotice.Invoice, "invoice");

        (await Host.SendAsync(invoice)).ShouldBeNull();
        (await Host.SendAsync(invoice)).ShouldBeNull();

        var emails = await EmailsAsync(invoice.DeduplicationKey, count: 2);
        emails.ShouldAllBe(e => e.Email == TenantEmail.RentInvoice && e.RecipientEmail == "ada@example.com" && e.RecipientName == "Ada Lovelace");
        emails.Select(e => e.Values["PaymentUrl"]).Distinct().ShouldHaveSingleItem().ShouldStartWith(new Uri(Host.Payments, "pay/").ToString());
        emails[0].Values["Amount"].ShouldBe("1,850.00 USD");
        emails[0].Values["Period"].ShouldBe(charge.Period);
        emails[0].Values["DueOn"].ShouldBe($"{charge.Period}-01");
    }

    [Fact]
    public async Task Should_tell_of_a_returned_payment_with_its_reason_and_fee_and_of_a_failure_with_the_next_attempt()
    {
        var charge = await _rent.PostedAsync(1850.00m);
        var returned = Notice(charge, RentNotice.PaymentReturned, "returned", "Insufficient funds.");
        var failed = Notice(charge, RentNotice.PaymentFailed, "autopay-failed-1", "Your card was declined.", new DateTimeOffset(2040, 3, 4, 6, 0, 0, TimeSpan.Zero));

        (await Host.SendAsync(returned)).ShouldBeNull();
        (await Host.SendAsync(failed)).ShouldBeNull();

        var nsf = (await EmailsAsync(returned.DeduplicationKey)).ShouldHaveSingleItem();
        (nsf.Email, nsf.Values["Reason"], nsf.Values["NsfFee"]).ShouldBe((TenantEmail.RentPaymentReturned, "Insufficient funds.", "35.00 USD"));
        var declined = (await EmailsAsync(failed.DeduplicationKey)).ShouldHaveSingleItem();
        (declined.Email, declined.Values["NextAttempt"]).ShouldBe((TenantEmail.RentPaymentFailed, "We will try again on 2040-03-04."));
    }

    [Fact]
    public async Task Should_set_aside_a_notice_for_a_lease_without_a_tenant_email()
    {
        var charge = await _rent.PostedAsync(1850.00m, withContact: false);
        var receipt = Notice(charge, RentNotice.Receipt, "receipt-pi_1");

        (await Host.SendAsync(receipt)).ShouldBeOfType<RentNoticeUndeliverableException>().Message.ShouldContain(charge.LeaseId.ToString());

        Host.Published.All<SendTenantEmail>(e => e.DeduplicationKey == receipt.DeduplicationKey).ShouldBeEmpty();
    }
}
