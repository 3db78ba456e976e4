namespace Orchestration.EndToEnd.Tests.Standalone;

/// <summary>
/// A month's rent in the standalone host, through HTTP only: leases signed through the API, a rent run, autopay at the
/// payment gateway simulator with a decline that a retry pays, a bank debit that settles later, a payment the bank
/// returns and a part payment, every webhook delivered three times and the first ones newest first.
/// </summary>
public sealed class When_a_rent_run_is_collected_in_the_standalone_host
{
    static readonly RentPayer[] Payers =
        [RentPayer.PaysAtOnce, RentPayer.PaysAtOnce, RentPayer.DeclinedThenPaidOnRetry, RentPayer.SettlesLater, RentPayer.ReturnedAfterPaying, RentPayer.PaysPart];

    [Fact]
    public async Task Should_end_every_lease_at_the_balance_its_payments_make_and_post_nothing_when_the_run_is_repeated()
    {
        await using var run = new StandaloneRun(new Dictionary<string, string>
        {
            ["Billing__RentCollection__AutopayRetryDelays__0"] = "00:00:02",
            ["Billing__RentCollection__AutopayRetryDelays__1"] = "00:00:04",
        });
        await run.StartAsync();
        using var staff = await run.SignInAsAdminAsync();
        using var gateway = new PaymentGatewayControls(run.Payments, run.PaymentsSecretKey);
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var month = new DateOnly(today.Year, today.Month, 1).AddMonths(1);
        // The move-in funds paid the lease's first month; the run collects the second.
        var period = RentRuns.Period(month.AddMonths(1));

        var propertyId = await staff.CreatePropertyAsync("Rent Row", "5 Ledger Lane", "Portland", "OR", "97205");
        var signed = new List<(Guid LeaseId, RentPayer Payer, decimal Rent)>();
        for (var number = 0; number < Payers.Length; number++)
        {
            var unitId = await staff.CreateUnitAsync(propertyId, $"R{number}", bedrooms: 1, squareFeet: 600);
            var rent = RentLease.RentFor(Payers[number], 1200m + number * 50m);
            // The move-in payment is deposit and first rent together, kept to whole dollars so the saved card pays it.
            var leaseId = (await staff.PostAsync("/api/lease-applications", new
            {
                propertyId, unitId, applicantName = $"Tenant {number}", applicantEmail = $"tenant{number}.{Guid.NewGuid():N}@example.com",
                monthlyRent = rent, securityDeposit = 1000m - (rent % 1m), currency = "USD", leaseStart = month.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                leaseEnd = month.AddYears(1).AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            }, HttpStatusCode.Accepted)).GetProperty("leaseId").GetGuid();
            signed.Add((leaseId, Payers[number], rent));
        }

        foreach (var (leaseId, _, _) in signed)
        {
            await Eventually.HoldsAsync(async () => (await staff.GetAsync($"/api/leases/{leaseId}"))?.GetProperty("state").GetString() == "Active",
                TimeSpan.FromSeconds(90), $"lease {leaseId} became active");
        }

        // The lease's page, Billing's own list of leases and the ledger's move-in entries are each kept from events of
        // their own: the run charges the leases Billing knows, from the balance the move-in's charge and payment leave.
        var ids = signed.Select(lease => lease.LeaseId).ToList();
        await Eventually.HoldsAsync(async () => await run.LeasesBillingKnowsAsync(ids) == ids.Count, TimeSpan.FromSeconds(30),
            "Billing knows every active lease");
        var leases = new List<RentLease>();
        foreach (var (leaseId, payer, rent) in signed)
        {
            await Eventually.HoldsAsync(async () => (await staff.GetAsync($"/api/leases/{leaseId}/ledger"))?.GetProperty("entries").EnumerateArray()
                    .Select(entry => entry.GetProperty("kind").GetString()).ToHashSet() is { } kinds && kinds.Contains("charge") && kinds.Contains("payment"),
                TimeSpan.FromSeconds(30), $"the ledger of lease {leaseId} shows its move-in charge and payment");
            leases.Add(new RentLease(leases.Count, leaseId, payer, rent, await RentRuns.BalanceAsync(staff, leaseId) ?? 0m));
        }
        await RentRuns.ArrangeAsync(gateway, leases);

        await gateway.DeliverEachWebhookAsync(3);
        var runId = Guid.Empty;
        await RentRuns.FirstOutcomesNewestFirstAsync(gateway, leases, period, async () => runId = await RentRuns.StartAsync(staff, period),
            TimeSpan.FromSeconds(60));
        await RentRuns.WaitAsync(staff, runId, RentRuns.Collecting, "every charge of the run is being collected");
        await RentRuns.PayPartsAndReturnAsync(staff, gateway, leases, period, TimeSpan.FromSeconds(60));

        var first = await RentRuns.WaitAsync(staff, runId, RentRuns.Finished, "the run finished");
        first.GetProperty("posted").GetInt32().ShouldBe(leases.Count);
        var repeated = await RentRuns.StartAsync(staff, period);
        (await RentRuns.WaitAsync(staff, repeated, RentRuns.Finished, "the repeated run finished")).GetProperty("posted").GetInt32().ShouldBe(0);
        await RentRuns.BalancesAsync(staff, leases, lease => lease.Balance, TimeSpan.Zero, "every balance after the repeated run");

        var reconciled = await RentRuns.ReconcileAsync(staff, today);
        reconciled.GetProperty("discrepancyCount").GetInt32().ShouldBe(0, $"reconciliation: {reconciled}");
    }
}
