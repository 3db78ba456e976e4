namespace Orchestration.Billing.Tests;

public sealed class When_move_in_funds_are_requested(BillingFixture fixture) : BillingTest(fixture)
{
    [Fact]
    public async Task Should_charge_deposit_and_rent_once_as_one_intent_for_the_lease()
    {
        var lease = new Leases();

        (await Host.SendAsync(lease.RequestMoveInFunds(1850.00m, 1849.50m))).ShouldBeNull();
        (await Host.SendAsync(lease.RequestMoveInFunds(1850.00m, 1849.50m))).ShouldBeNull();

        var payment = (await Host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull();
        payment.PaymentIntentId.ShouldNotBeNull().ShouldStartWith("pi_");
        payment.IntentStatus.ShouldBe("succeeded");
        payment.Amount.ShouldBe(369950);
        var intent = await Host.IntentAsync(payment.PaymentIntentId);
        intent.GetProperty("amount").GetInt64().ShouldBe(369950);
        intent.GetProperty("currency").GetString().ShouldBe("usd");
        intent.GetProperty("metadata").GetProperty("lease_id").GetString().ShouldBe(lease.LeaseId.ToString());
        intent.GetProperty("payment_method").GetString().ShouldBe("pm_card_visa");
        (await Host.EventsAsync("payment_intent.succeeded", lease.LeaseId.ToString())).Count.ShouldBe(1);
        Host.Published.All<MoveInFundsReceived>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_record_a_card_decline_without_failing_the_command()
    {
        var lease = new Leases();

        // 1850.00 + 1850.02: the amount ends in 02, which the gateway declines.
        (await Host.SendAsync(lease.RequestMoveInFunds(1850.00m, 1850.02m))).ShouldBeNull();

        var payment = (await Host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull();
        payment.PaymentIntentId.ShouldNotBeNull().ShouldStartWith("pi_");
        payment.IntentStatus.ShouldBe("requires_payment_method");
        payment.FailureCode.ShouldBe("generic_decline");
        (await Host.EventsAsync("payment_intent.payment_failed", lease.LeaseId.ToString())).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_refuse_amounts_in_two_currencies_without_retry_or_charge()
    {
        var lease = new Leases();

        var failure = await Host.SendAsync(lease.RequestMoveInFunds() with { FirstMonthRent = new Money(1850m, "EUR") });

        failure.ShouldBeOfType<InvalidMoveInAmountException>();
        (await Host.PaymentAsync(lease.FundsKey)).ShouldBeNull();
        (await Host.EventsAsync("payment_intent.succeeded", lease.LeaseId.ToString())).ShouldBeEmpty();
    }

    [Fact]
    public void Should_take_amounts_in_cents_and_refuse_finer_precision_or_other_minor_units()
    {
        MinorUnits.Total(new Money(1850.00m, "USD"), new Money(0.05m, "USD")).ShouldBe(185005);
        Should.Throw<InvalidMoveInAmountException>(() => MinorUnits.From(new Money(10.005m, "USD")));
        Should.Throw<InvalidMoveInAmountException>(() => MinorUnits.From(new Money(1000m, "JPY")));
        Should.Throw<InvalidMoveInAmountException>(() => MinorUnits.From(new Money(0m, "USD")));
    }
}
