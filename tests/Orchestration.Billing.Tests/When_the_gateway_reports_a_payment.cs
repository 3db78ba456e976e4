namespace Orchestration.Billing.Tests;

/// <summary>
/// The payment gateway's signed events reach Billing through the Gateway. Only a payment of exactly what Billing asked
/// for, on the intent it created for the lease, may move the lease; anything else is a discrepancy for staff and moves
/// nothing. On PostgreSQL and on SQLite (the standalone mode), against the gateway simulator.
/// </summary>
public abstract class When_the_gateway_reports_a_payment(BillingHost host)
{
    /// <summary>1850.00 deposit and 1850.00 rent, charged and paid: the intent Billing created for the lease.</summary>
    async Task<string> ChargedAsync(Leases lease, decimal rent = 1850.00m)
    {
        (await host.SendAsync(lease.RequestMoveInFunds(1850.00m, rent))).ShouldBeNull();
        return (await host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull().PaymentIntentId.ShouldNotBeNull();
    }

    async Task<ProviderEventDiscrepancyRecorded> DiscrepancyAsync(string eventId) =>
        (await host.Published.WaitForAsync<ProviderEventDiscrepancyRecorded>(d => d.EventId == eventId)).ShouldHaveSingleItem();

    void NothingMovedFor(Leases lease)
    {
        host.Published.All<MoveInFundsReceived>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty();
        host.Published.All<MoveInPaymentFailed>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_pass_on_a_payment_of_exactly_what_was_requested_once()
    {
        var lease = new Leases();
        var intentId = await ChargedAsync(lease);
        var paid = lease.Succeeded(intentId, 3700.00m);
        var messageId = Guid.NewGuid();

        (await host.ReportAsync(paid, messageId)).ShouldBeNull();
        (await host.ReportAsync(paid, messageId)).ShouldBeNull();

        var received = (await host.Published.SettledAsync<MoveInFundsReceived>(TimeSpan.FromMilliseconds(500)))
            .Where(e => e.LeaseId == lease.LeaseId).ShouldHaveSingleItem();
        received.PaymentId.ShouldBe(intentId);
        received.Amount.ShouldBe(new Money(3700.00m, "USD"));
        host.Published.All<ProviderEventDiscrepancyRecorded>(d => d.EventId == paid.ProviderEventId).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_record_a_made_up_intent_for_a_real_lease_as_unmatched_and_move_nothing()
    {
        var lease = new Leases();
        await ChargedAsync(lease);
        var forged = lease.Succeeded("pi_made_up", 0.01m) with { MoveInRequest = null };

        (await host.ReportAsync(forged)).ShouldBeNull();

        var discrepancy = await DiscrepancyAsync(forged.ProviderEventId);
        discrepancy.Kind.ShouldBe(DiscrepancyKinds.Unmatched);
        discrepancy.Provider.ShouldBe("payments");
        discrepancy.EventType.ShouldBe("payment_intent.succeeded");
        discrepancy.LeaseId.ShouldBe(lease.LeaseId);
        discrepancy.ProviderReference.ShouldBe("pi_made_up");
        discrepancy.Amount.ShouldBe(new Money(0.01m, "USD"));
        NothingMovedFor(lease);
    }

    [Theory]
    [InlineData(0.01, "USD")]
    [InlineData(3700.00, "EUR")]
    [InlineData(0, "JPY")]
    public async Task Should_record_another_amount_or_currency_on_the_real_intent_as_a_mismatch_and_move_nothing(decimal amount, string currency)
    {
        var lease = new Leases();
        var intentId = await ChargedAsync(lease);
        var wrong = lease.Succeeded(intentId, amount, currency);

        (await host.ReportAsync(wrong)).ShouldBeNull();

        var discrepancy = await DiscrepancyAsync(wrong.ProviderEventId);
        discrepancy.Kind.ShouldBe(DiscrepancyKinds.Mismatch);
        discrepancy.LeaseId.ShouldBe(lease.LeaseId);
        discrepancy.ProviderReference.ShouldBe(intentId);
        discrepancy.Reason.ShouldContain("requested 3,700.00 USD");
        NothingMovedFor(lease);
    }

    [Fact]
    public async Task Should_record_an_intent_without_our_metadata_as_unmatched()
    {
        var lease = new Leases();
        var foreign = lease.Succeeded("pi_from_elsewhere", 12.00m, withOurMetadata: false);

        (await host.ReportAsync(foreign)).ShouldBeNull();

        var discrepancy = await DiscrepancyAsync(foreign.ProviderEventId);
        discrepancy.Kind.ShouldBe(DiscrepancyKinds.Unmatched);
        discrepancy.LeaseId.ShouldBeNull();
        discrepancy.Reason.ShouldContain("no lease of ours");
    }

    [Fact]
    public async Task Should_record_an_intent_naming_a_request_we_never_made_as_unmatched_at_once()
    {
        var lease = new Leases();
        await ChargedAsync(lease);
        var forged = lease.Succeeded("pi_from_elsewhere", 3700.00m) with { MoveInRequest = $"move-in-{Guid.NewGuid():N}" };

        (await host.ReportAsync(forged)).ShouldBeNull("an event naming a request Billing never made is not retried");

        (await DiscrepancyAsync(forged.ProviderEventId)).Kind.ShouldBe(DiscrepancyKinds.Unmatched);
        NothingMovedFor(lease);
    }

    [Fact]
    public async Task Should_record_an_intent_for_a_lease_never_charged_as_unmatched()
    {
        var unknown = new Leases();
        var stray = unknown.Succeeded("pi_for_nobody", 3700.00m) with { MoveInRequest = null };

        (await host.ReportAsync(stray)).ShouldBeNull();

        var discrepancy = await DiscrepancyAsync(stray.ProviderEventId);
        discrepancy.Kind.ShouldBe(DiscrepancyKinds.Unmatched);
        discrepancy.LeaseId.ShouldBeNull();
        discrepancy.Reason.ShouldContain(unknown.LeaseId.ToString());
        NothingMovedFor(unknown);
    }

    [Fact]
    public async Task Should_pass_on_a_failed_attempt_with_the_hosted_page_to_pay_again()
    {
        var lease = new Leases();
        // 1850.00 + 1850.02: the amount ends in 02, which the gateway declines.
        var intentId = await ChargedAsync(lease, rent: 1850.02m);

        (await host.ReportAsync(lease.Failed(intentId, 3700.02m))).ShouldBeNull();

        var failed = (await host.Published.WaitForAsync<MoveInPaymentFailed>(e => e.LeaseId == lease.LeaseId)).ShouldHaveSingleItem();
        failed.PaymentId.ShouldBe(intentId);
        var page = new Uri(failed.PaymentUrl.ShouldNotBeNull());
        page.GetLeftPart(UriPartial.Authority).ShouldBe(host.Payments.GetLeftPart(UriPartial.Authority));
        page.AbsolutePath.ShouldStartWith("/pay/");
        page.AbsolutePath.ShouldNotContain(lease.LeaseId.ToString("N"));
        page.AbsolutePath.ShouldContain(intentId);
    }

    [Fact]
    public async Task Should_retry_a_payment_reported_before_its_charge_is_recorded_and_then_pass_it_on()
    {
        var lease = new Leases();
        Task<Exception?>? reported = null;
        string? intentId = null;
        host.RightAfterTheCharge(lease, async (intent, cancellationToken) =>
        {
            intentId = intent.GetProperty("id").GetString()!;
            reported = host.ReportAsync(lease.Succeeded(intentId, 3700.00m));
            // Billing records the intent only after this; the event must not be judged a discrepancy meanwhile.
            await Task.Delay(500, cancellationToken);
        });

        (await host.SendAsync(lease.RequestMoveInFunds())).ShouldBeNull();

        // The charge holds no lock while the gateway answers, so the event cannot wait for it: it fails, and its retry
        // (here the same event again) finds the charge recorded.
        (await reported.ShouldNotBeNull()).ShouldBeOfType<MoveInPaymentNotRecordedException>();
        (await host.ReportAsync(lease.Succeeded(intentId!, 3700.00m))).ShouldBeNull();
        var received = (await host.Published.WaitForAsync<MoveInFundsReceived>(e => e.LeaseId == lease.LeaseId)).ShouldHaveSingleItem();
        received.PaymentId.ShouldBe(intentId);
        await Task.Delay(500);
        host.Published.All<ProviderEventDiscrepancyRecorded>(d => d.ProviderReference == intentId).ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_post_the_first_month_rent_paid_and_the_deposit_held_once_however_often_it_is_reported()
    {
        var lease = new Leases();
        (await host.SendAsync(lease.RequestMoveInFunds(1500.00m, 1850.00m))).ShouldBeNull();
        var intentId = (await host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull().PaymentIntentId.ShouldNotBeNull();
        var paid = lease.Succeeded(intentId, 3350.00m);

        (await host.ReportAsync(paid)).ShouldBeNull();
        (await host.ReportAsync(paid)).ShouldBeNull();

        await host.Published.WaitForAsync<MoveInFundsReceived>(e => e.LeaseId == lease.LeaseId, count: 2);
        var chargeId = RentIds.Charge(lease.LeaseId, "2027-01");
        var entries = await host.LedgerAsync(lease.LeaseId);
        entries.Select(e => (e.Kind, e.Amount, e.ChargeId)).ShouldBe(
        [
            (LedgerEntryKind.Charge, Money.Of(1850.00m, "USD"), chargeId),
            (LedgerEntryKind.Payment, Money.Of(-1850.00m, "USD"), chargeId),
            (LedgerEntryKind.DepositHeld, Money.Of(-1500.00m, "USD"), chargeId),
        ], ignoreOrder: true);
        entries.Single(e => e.Kind == LedgerEntryKind.Charge).EntryId.ShouldBe(chargeId, "the id a rent run gives the lease's first period");
        (await host.BalanceAsync(lease.LeaseId)).ShouldBe(0m, "the rent is paid, and the deposit held is not a credit");
        (await host.ChargesAsync(lease.LeaseId)).Keys.ShouldBe([chargeId]);
        (await host.Published.SettledAsync<LedgerEntryRecorded>(TimeSpan.FromMilliseconds(500))).Where(e => e.LeaseId == lease.LeaseId)
            .Select(e => e.EntryId).ShouldBe(entries.Select(e => e.EntryId), ignoreOrder: true);
    }

    [Fact]
    public async Task Should_leave_nothing_to_charge_or_collect_when_the_first_period_is_run()
    {
        var lease = new Leases();
        // The year the lease is in force is this test's alone, so the run finds this lease only.
        var dueOn = FarMonths.Next(12);
        var period = $"{dueOn:yyyy-MM}";
        (await host.SendAsync(lease.RequestMoveInFunds(dueOn: dueOn))).ShouldBeNull();
        var intentId = (await host.PaymentAsync(lease.FundsKey)).ShouldNotBeNull().PaymentIntentId.ShouldNotBeNull();
        (await host.ReportAsync(lease.Succeeded(intentId, 3700.00m))).ShouldBeNull();
        await host.Published.WaitForAsync<MoveInFundsReceived>(e => e.LeaseId == lease.LeaseId);
        (await host.PublishAsync(new LeaseActivated
        {
            LeaseId = lease.LeaseId, PropertyId = Guid.NewGuid(), UnitId = Guid.NewGuid(), TenantId = lease.ApplicantId,
            MonthlyRent = Money.Of(1850m, "USD"), SecurityDeposit = Money.Of(1850m, "USD"), LeaseStart = dueOn, LeaseEnd = dueOn.AddYears(1).AddDays(-1),
            ActivatedAt = DateTimeOffset.UtcNow,
        }, BillingExtensions.LeasesQueue)).ShouldBeNull();
        var run = new StartRentRun { RentRunId = Guid.NewGuid(), Period = period, RequestedAt = DateTimeOffset.UtcNow };

        (await host.SendAsync(run)).ShouldBeNull();

        var finished = (await host.Published.WaitForAsync<RentRunFinished>(e => e.RentRunId == run.RentRunId)).ShouldHaveSingleItem();
        finished.Leases.ShouldBe(1, "the lease is in force in its first period");
        finished.Posted.ShouldBe(0, "its first month's rent was charged and paid at move-in");
        host.Published.All<RentChargePosted>(e => e.LeaseId == lease.LeaseId).ShouldBeEmpty("no collection, so autopay never takes it again");
        (await host.LedgerAsync(lease.LeaseId)).Count(e => e.Kind == LedgerEntryKind.Charge).ShouldBe(1);
        (await host.BalanceAsync(lease.LeaseId)).ShouldBe(0m);
    }
}
