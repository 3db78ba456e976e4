namespace Orchestration.EndToEnd.Tests.Infrastructure;

/// <summary>How the tenant of a lease pays a month's rent, which decides what the lease owes once the run is over.</summary>
public enum RentPayer
{
    PaysAtOnce,

    /// <summary>The first autopay is declined; the retry seconds later (days, in production) is paid.</summary>
    DeclinedThenPaidOnRetry,

    /// <summary>A bank debit: processing for seconds (days, in production), then paid.</summary>
    SettlesLater,

    /// <summary>Paid, then returned by the bank for insufficient funds.</summary>
    ReturnedAfterPaying,

    /// <summary>Every autopay is declined; the tenant pays part of the rent themselves.</summary>
    PaysPart,

    /// <summary>Every autopay is declined, since a month whose grace period is long over: late, and charged again this month.</summary>
    Late,
}

/// <summary>A lease of a rent run and the balance the test works out for it on its own.</summary>
/// <param name="OpeningBalance">What the lease owed before the run (its move-in, for a lease signed through the API).</param>
public sealed record RentLease(int Number, Guid LeaseId, RentPayer Payer, decimal Rent, decimal OpeningBalance = 0m)
{
    /// <summary>The platform's configured policies: a fixed 50.00 late fee once after five grace days; 35.00 for a returned payment.</summary>
    public const decimal LateFee = 50.00m, ReturnedPaymentFee = 35.00m;

    /// <summary>What a tenant who pays part of the rent pays.</summary>
    public const decimal PartPayment = 500.00m;

    /// <summary>Amounts ending in .02 are declined by the gateway whatever is tried (its test-card convention).</summary>
    public static decimal RentFor(RentPayer payer, decimal rent) => payer is RentPayer.Late or RentPayer.PaysPart ? rent + 0.02m : rent;

    /// <summary>The lease's balance once the run is over, worked out from the policies, not read from the platform.</summary>
    public decimal Balance => OpeningBalance + Payer switch
    {
        RentPayer.ReturnedAfterPaying => Rent + ReturnedPaymentFee,
        RentPayer.PaysPart => Rent - PartPayment,
        RentPayer.Late => Rent + LateFee + Rent,
        _ => 0m,
    };

    /// <summary>What the lease owes once every payment of the run has settled, before the bank returns any.</summary>
    public decimal BalanceBeforeReturns => Payer == RentPayer.ReturnedAfterPaying ? OpeningBalance : Balance;
}

/// <summary>Rent runs, ledgers and reconciliation through the Gateway's API, as staff use them.</summary>
public static class RentRuns
{
    public static string Period(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    public static async Task<Guid> StartAsync(StaffClient staff, string period) =>
        (await staff.PostAsync("/api/rent-runs", new { period }, HttpStatusCode.Accepted)).GetProperty("rentRunId").GetGuid();

    /// <summary>The run's progress once <paramref name="condition"/> holds for it.</summary>
    public static async Task<JsonElement> WaitAsync(StaffClient staff, Guid runId, Func<JsonElement, bool> condition, string description)
    {
        JsonElement? run = null;
        await Eventually.HoldsAsync(async () => (run = await staff.GetAsync($"/api/rent-runs/{runId}")) is { } read && condition(read),
            TimeSpan.FromSeconds(120), $"rent run {runId}: {description}");
        return run!.Value;
    }

    public static long Charges(JsonElement run, string state) =>
        run.GetProperty("charges").TryGetProperty(state, out var count) ? count.GetInt64() : 0;

    /// <summary>
    /// Whether every charge the run posted is being collected (counted in a state of its collection): a payment that
    /// names a charge whose collection has not started yet is not counted by it.
    /// </summary>
    public static bool Collecting(JsonElement run) =>
        run.TryGetProperty("posted", out var posted) && posted.ValueKind == JsonValueKind.Number
        && run.GetProperty("charges").EnumerateObject().Where(state => state.Name != "Posted").Sum(state => state.Value.GetInt64()) >= posted.GetInt64();

    public static bool Finished(JsonElement run) => run.TryGetProperty("finishedAt", out var at) && at.ValueKind == JsonValueKind.String;

    public static async Task<decimal?> BalanceAsync(StaffClient staff, Guid leaseId) =>
        (await staff.GetAsync($"/api/leases/{leaseId}/ledger"))?.GetProperty("balance").GetProperty("amount").GetDecimal();

    /// <summary>
    /// Reads every lease's ledger until each balance is the expected one (a zero <paramref name="timeout"/>: once); fails
    /// naming the leases that are off.
    /// </summary>
    public static async Task BalancesAsync(StaffClient staff, IReadOnlyList<RentLease> leases, Func<RentLease, decimal> expected, TimeSpan timeout,
        string description)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<RentLease> pending = leases;
        var wrong = new Dictionary<RentLease, decimal?>();
        while (true)
        {
            wrong.Clear();
            await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (lease, _) =>
            {
                decimal? balance;
                try
                {
                    balance = await BalanceAsync(staff, lease.LeaseId);
                }
                catch (TaskCanceledException) when (timeout > TimeSpan.Zero)
                {
                    // A Gateway busy with the run's webhooks answers late: read the lease again next round.
                    balance = null;
                }

                if (balance != expected(lease))
                {
                    lock (wrong)
                        wrong[lease] = balance;
                }
            });
            if (wrong.Count == 0)
                return;
            if (DateTime.UtcNow >= deadline)
            {
                throw new ShouldAssertException($"{description}: {wrong.Count} of {leases.Count} leases are off, e.g. " + string.Join("; ", wrong.Take(10)
                    .Select(w => $"#{w.Key.Number} {w.Key.Payer} rent {w.Key.Rent}: {w.Value?.ToString(CultureInfo.InvariantCulture) ?? "no ledger"}, expected {expected(w.Key)}")));
            }

            pending = [.. wrong.Keys];
            await Task.Delay(TimeSpan.FromMilliseconds(500));
        }
    }

    /// <summary>
    /// Reconciles the gateway's payments from <paramref name="from"/> (the day the test began) through today with the
    /// ledger and returns the finished run: a test that runs past midnight (UTC) still reconciles every payment it made.
    /// </summary>
    public static async Task<JsonElement> ReconcileAsync(StaffClient staff, DateOnly from)
    {
        var to = DateOnly.FromDateTime(DateTime.UtcNow);
        var runId = (await staff.PostAsync("/api/reconciliation/runs", new { from, to }, HttpStatusCode.Accepted))
            .GetProperty("reconciliationRunId").GetGuid();
        JsonElement? run = null;
        await Eventually.HoldsAsync(async () => (run = await staff.GetAsync($"/api/reconciliation/runs/{runId}"))?.GetProperty("status").GetString() == "Finished",
            TimeSpan.FromSeconds(60), $"reconciliation run {runId} finished");
        return run!.Value;
    }

    /// <summary>Polls a condition that reads the gateway's whole record of events: every two seconds rather than as often as it can.</summary>
    public static async Task SeldomAsync(Func<Task<bool>> condition, TimeSpan timeout, string description)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow >= deadline)
                throw new ShouldAssertException($"Not true within {timeout.TotalSeconds} s: {description}");
            await Task.Delay(TimeSpan.FromSeconds(2));
        }
    }

    /// <summary>
    /// Holds the gateway's webhooks while the run's autopay goes out, then delivers them newest first: in the reverse
    /// of their order, a bank debit's success before its processing. Every webhook is held until the gateway has the
    /// first outcome of every charge (bank debits settled), or, with <paramref name="held"/>, the first that many (a
    /// thousand leases' webhooks released at once, three copies each, are a flood no gateway sends).
    /// </summary>
    public static async Task FirstOutcomesNewestFirstAsync(PaymentGatewayControls gateway, IReadOnlyList<RentLease> leases, string period,
        Func<Task> startRun, TimeSpan timeout, int? held = null)
    {
        var charges = leases.Select(l => Orchestration.Messages.Billing.RentIds.Charge(l.LeaseId, period)).ToHashSet();
        await gateway.HoldWebhooksAsync(held);
        await startRun();
        await SeldomAsync(async () =>
        {
            var succeeded = (await gateway.EventsAsync("payment_intent.succeeded")).Count(e => e.ChargeId is { } c && charges.Contains(c));
            var failed = (await gateway.EventsAsync("payment_intent.payment_failed")).Count(e => e.ChargeId is { } c && charges.Contains(c));
            return held is { } count ? succeeded + failed >= count
                : succeeded == leases.Count(l => l.Payer is RentPayer.PaysAtOnce or RentPayer.SettlesLater or RentPayer.ReturnedAfterPaying)
                    && failed == leases.Count(l => l.Payer is RentPayer.DeclinedThenPaidOnRetry or RentPayer.PaysPart or RentPayer.Late);
        }, timeout, "the gateway has the first outcomes of the run's charges it holds, bank debits settled");
        await gateway.ReleaseNewestFirstAsync();
    }

    /// <summary>Arranges at the gateway the declines and slow settlements the leases' payers stand for.</summary>
    public static async Task ArrangeAsync(PaymentGatewayControls gateway, IEnumerable<RentLease> leases)
    {
        foreach (var lease in leases)
        {
            if (lease.Payer == RentPayer.DeclinedThenPaidOnRetry)
                await gateway.ArrangeAsync(lease.LeaseId, declines: 1);
            else if (lease.Payer == RentPayer.SettlesLater)
                await gateway.ArrangeAsync(lease.LeaseId, settleAfter: TimeSpan.FromSeconds(3));
        }
    }

    /// <summary>The part payments, then, once every payment has settled, the bank's returns of the payments that are returned.</summary>
    public static async Task PayPartsAndReturnAsync(StaffClient staff, PaymentGatewayControls gateway, IReadOnlyList<RentLease> leases, string period,
        TimeSpan timeout)
    {
        foreach (var lease in leases.Where(l => l.Payer == RentPayer.PaysPart))
            await gateway.PayAsync(lease.LeaseId, Orchestration.Messages.Billing.RentIds.Charge(lease.LeaseId, period), RentLease.PartPayment);
        await BalancesAsync(staff, leases, lease => lease.BalanceBeforeReturns, timeout, "every payment of the run has settled");

        var byCharge = leases.ToDictionary(l => Orchestration.Messages.Billing.RentIds.Charge(l.LeaseId, period));
        var paid = (await gateway.EventsAsync("payment_intent.succeeded")).Where(e => e.ChargeId is { } c && byCharge.ContainsKey(c))
            .GroupBy(e => byCharge[e.ChargeId!.Value].LeaseId).ToDictionary(g => g.Key, g => g.First().IntentId);
        foreach (var lease in leases.Where(l => l.Payer == RentPayer.ReturnedAfterPaying))
            await gateway.ReturnAsync(paid[lease.LeaseId]);
        await BalancesAsync(staff, leases, lease => lease.Balance, timeout, "every returned payment is reversed with its fee");
    }
}
