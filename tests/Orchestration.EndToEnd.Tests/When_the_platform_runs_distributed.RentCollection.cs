using Npgsql;
using Orchestration.Messages;
using Orchestration.Messages.Billing;
using Orchestration.Messages.Leasing;

namespace Orchestration.EndToEnd.Tests;

/// <summary>
/// A month's rent collected across the processes: a thousand active leases, a run that posts their charges, autopay at
/// the payment gateway simulator with every outcome a month brings, every webhook delivered three times and the first
/// few hundred in the reverse of their order, and then reconciliation of the gateway's payments with the ledger.
/// </summary>
public sealed partial class When_the_platform_runs_distributed
{
    const int RentLeases = 1_000;

    static RentPayer PayerOf(int number) => number switch
    {
        < 40 => RentPayer.Late,
        < 140 => RentPayer.DeclinedThenPaidOnRetry,
        < 220 => RentPayer.SettlesLater,
        < 280 => RentPayer.ReturnedAfterPaying,
        < 340 => RentPayer.PaysPart,
        _ => RentPayer.PaysAtOnce,
    };

    [Fact]
    public async Task Should_collect_a_thousand_leases_rent_to_the_cent_whatever_the_gateway_does_and_reconcile_it()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var thisMonth = new DateOnly(today.Year, today.Month, 1);
        // The month the run is for lies ahead, so its grace period cannot end during the test; the late leases also owe
        // a month two back, long past its grace period.
        var (duePeriod, latePeriod) = (thisMonth.AddMonths(1), thisMonth.AddMonths(-2));
        var due = RentRuns.Period(duePeriod);
        var leases = Enumerable.Range(0, RentLeases)
            .Select(n => new RentLease(n, Guid.NewGuid(), PayerOf(n), RentLease.RentFor(PayerOf(n), 900m + n % 40 * 25m))).ToList();

        var password = (await File.ReadAllTextAsync(platform.Run.AdminPasswordFile)).Trim();
        using var staff = await StaffClient.SignInAsync(platform.Run.Url("gateway"), platform.Run.AdminEmail, password);
        using var gateway = new PaymentGatewayControls(platform.Run.Url("payments"), platform.PaymentsSecretKey);
        try
        {
            await RentRuns.ArrangeAsync(gateway, leases);
            await ActivateAsync(leases, duePeriod, latePeriod);

            var lateRun = await RentRuns.StartAsync(staff, RentRuns.Period(latePeriod));
            await RentRuns.WaitAsync(staff, lateRun, run => RentRuns.Charges(run, "Late") == leases.Count(l => l.Payer == RentPayer.Late),
                "every charge of the late month is late");

            await gateway.DeliverEachWebhookAsync(3);
            var dueRun = Guid.Empty;
            await RentRuns.FirstOutcomesNewestFirstAsync(gateway, leases, due, async () => dueRun = await RentRuns.StartAsync(staff, due),
                TimeSpan.FromSeconds(180), held: 300);
            await RentRuns.WaitAsync(staff, dueRun, RentRuns.Collecting, "every charge of the run is being collected");
            await RentRuns.PayPartsAndReturnAsync(staff, gateway, leases, due, TimeSpan.FromSeconds(180));

            var repeated = await RentRuns.StartAsync(staff, due);
            (await RentRuns.WaitAsync(staff, repeated, RentRuns.Finished, "the repeated run finished")).GetProperty("posted").GetInt32()
                .ShouldBe(0, "repeating the month's run posts nothing");
            var run = await RentRuns.WaitAsync(staff, dueRun, RentRuns.Finished, "the run finished");
            // The platform's other tests sign leases too; one whose move-in funds paid this month is in force but gets no charge.
            run.GetProperty("posted").GetInt32().ShouldBeLessThanOrEqualTo(run.GetProperty("leases").GetInt32(), "at most one charge per lease in force");
            run.GetProperty("posted").GetInt32().ShouldBeGreaterThanOrEqualTo(RentLeases, "a charge for every lease of this test");

            // Once nothing is left to deliver anywhere, every balance is read again: no late copy of a webhook moved any.
            await Eventually.HoldsAsync(async () => (await QueuesAsync()).All(q => Messages(q) == 0), TimeSpan.FromSeconds(60),
                "every queue of the run is empty");
            await RentRuns.BalancesAsync(staff, leases, lease => lease.Balance, TimeSpan.Zero, "every balance held still");

            var reconciled = await RentRuns.ReconcileAsync(staff, today);
            reconciled.GetProperty("discrepancyCount").GetInt32().ShouldBe(0, $"reconciliation of the run: {reconciled}");
            // Returned payments hold nothing at the gateway any more; declined ones never did.
            reconciled.GetProperty("gatewayPayments").GetInt32().ShouldBeGreaterThanOrEqualTo(leases.Count(l =>
                l.Payer is RentPayer.PaysAtOnce or RentPayer.DeclinedThenPaidOnRetry or RentPayer.SettlesLater or RentPayer.PaysPart));

            // A tenant's payment whose webhooks never come: reconciliation finds that one and nothing else.
            await gateway.HoldWebhooksAsync();
            var unheard = leases.First(l => l.Payer == RentPayer.PaysPart);
            var withheld = await gateway.PayAsync(unheard.LeaseId, RentIds.Charge(unheard.LeaseId, due), 100.00m);
            var found = await RentRuns.ReconcileAsync(staff, today);
            found.GetProperty("discrepancyCount").GetInt32().ShouldBe(1, $"reconciliation with one payment unheard of: {found}");
            var discrepancy = found.GetProperty("discrepancies").EnumerateArray().ShouldHaveSingleItem();
            (discrepancy.GetProperty("kind").GetString(), discrepancy.GetProperty("paymentIntentId").GetString())
                .ShouldBe((ReconciliationDiscrepancyKinds.MissingInLedger, withheld));

            await LedgerIsAppendOnlyAsync(staff, leases.First(l => l.Payer == RentPayer.ReturnedAfterPaying));
        }
        finally
        {
            await gateway.DeliverEachWebhookAsync(1);
            await gateway.ReleaseNewestFirstAsync();
        }

    }

    /// <summary>
    /// The leases as the lease-signing saga announces them to Billing once they are active (<see cref="LeaseActivated"/>
    /// on Billing's leases queue): signing a thousand leases through screening and e-signature would test those, not rent.
    /// </summary>
    async Task ActivateAsync(List<RentLease> leases, DateOnly duePeriod, DateOnly latePeriod)
    {
        var before = await platform.Run.CountAsync("SELECT COUNT(*) FROM billing.billing_leases");
        var bus = await TestServers.StartClientBusAsync(platform.Run.VirtualHost);
        try
        {
            var leasesQueue = await bus.GetSendEndpoint(new Uri("queue:billing-leases"));
            foreach (var lease in leases)
            {
                await leasesQueue.Send(new LeaseActivated
                {
                    LeaseId = lease.LeaseId, PropertyId = Guid.NewGuid(), UnitId = Guid.NewGuid(), TenantId = Guid.NewGuid(),
                    MonthlyRent = new Money(lease.Rent, "USD"), SecurityDeposit = new Money(lease.Rent, "USD"),
                    LeaseStart = lease.Payer == RentPayer.Late ? latePeriod : duePeriod, LeaseEnd = duePeriod.AddYears(1).AddDays(-1),
                    ActivatedAt = DateTimeOffset.UtcNow, TenantName = $"Tenant {lease.Number}", TenantEmail = $"tenant.{lease.LeaseId:N}@example.com",
                });
            }
        }
        finally
        {
            await bus.StopAsync();
        }

        await Eventually.HoldsAsync(async () => await platform.Run.CountAsync("SELECT COUNT(*) FROM billing.billing_leases") == before + leases.Count,
            TimeSpan.FromSeconds(120), $"Billing knows the {leases.Count} leases");
    }

    /// <summary>An UPDATE or a DELETE of a ledger entry, even straight on the database, is refused by it; the balance stays.</summary>
    async Task LedgerIsAppendOnlyAsync(StaffClient staff, RentLease lease)
    {
        foreach (var change in new[]
                 {
                     $"UPDATE billing.ledger_entries SET amount = 0 WHERE lease_id = '{lease.LeaseId}'",
                     $"DELETE FROM billing.ledger_entries WHERE lease_id = '{lease.LeaseId}'",
                 })
        {
            var refused = await Should.ThrowAsync<PostgresException>(() => platform.Run.ExecuteInRunAsync(change));
            refused.MessageText.ShouldContain("append-only", customMessage: change);
        }

        (await RentRuns.BalanceAsync(staff, lease.LeaseId)).ShouldBe(lease.Balance);
    }
}
