using System.Globalization;
using MassTransit;
using Orchestration.Endpoints.Billing.Ledger;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>
/// Posts the period's rent: for each lease in force during the period, the charge (its row, its ledger entry and
/// <see cref="RentChargePosted"/>, which starts its collection), all in the one transaction of this message. The charge
/// id derives from lease and period, so a lease charged before, by this run or any other, is skipped: repeating a
/// period's run adds nothing. The charge is due on the period's first day (or the lease's first, when it starts later),
/// under the late-fee policy in force now for the lease (its own, else its property's, else the company's); a month the lease covers in part is charged its share
/// (<see cref="RentProration"/>).
/// The lease's recurring charges besides the rent (parking, a pet fee...) go into the same charge, each prorated like the
/// rent: the charge's amount is the rent plus its lines, so one collection takes them together, and the ledger has one
/// charge entry for the rent (the charge's id) and one per line (<see cref="RecurringChargeIds"/>), all naming the charge.
/// The move-in funds of lease signing pay the first month's rent under the run's charge id, before Billing knows the
/// lease's recurring charges; the run finds that charge and posts the month's lines, prorated the same way, as a charge
/// of their own (<see cref="RecurringChargeIds.FirstMonth"/>), once however often the period is run.
/// </summary>
public sealed class StartRentRunConsumer(
    SqlSession session,
    RentStore rent,
    LedgerStore ledger,
    IOptions<RentOptions> options,
    TimeProvider time,
    ILogger<StartRentRunConsumer> logger) : IConsumer<StartRentRun>
{
    public async Task Consume(ConsumeContext<StartRentRun> context)
    {
        var run = context.Message;
        var cancellationToken = context.CancellationToken;
        if (!DateOnly.TryParseExact(run.Period + "-01", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var first))
            throw new InvalidRentPeriodException(run.Period);

        var now = time.GetUtcNow();
        if (!await rent.StartRunAsync(session, run.RentRunId, run.Period, now.ToUnixTimeMilliseconds(), cancellationToken))
        {
            logger.LogInformation("Rent run {RentRunId} for {Period} was already carried out", run.RentRunId, run.Period);
            return;
        }

        var policies = new LateFeePolicyBook(options.Value.LateFees, await rent.LateFeePolicySettingsAsync(session, cancellationToken));
        var leases = await rent.ActiveLeasesAsync(session, first, first.AddMonths(1).AddDays(-1), cancellationToken);
        var recurring = await rent.RecurringChargesAsync(session, leases.Select(l => l.Lease.LeaseId).ToList(), cancellationToken);
        var posted = 0;
        foreach (var (lease, start, end) in leases)
        {
            var chargeId = RentIds.Charge(lease.LeaseId, run.Period);
            var rentDue = RentProration.ForPeriod(lease.Rent, first, start, end);
            var lines = recurring.GetValueOrDefault(lease.LeaseId, [])
                .Select(line => (line.Line, Amount: RentProration.ForPeriod(line.Amount, first, start, end))).Where(line => line.Amount.Amount != 0m).ToList();
            var amount = rentDue with { Amount = rentDue.Amount + lines.Sum(line => line.Amount.Amount) };
            var dueOn = RentProration.DueOn(first, start);
            var policy = policies.InForce(lease.PropertyId, lease.LeaseId, now);
            var dueAt = new DateTimeOffset(dueOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            if (await rent.PostChargeAsync(session, chargeId, run.RentRunId, lease.LeaseId, run.Period, amount, dueOn, policy,
                    now.ToUnixTimeMilliseconds(), cancellationToken))
                await ledger.AppendAndPublishAsync(session, context, new LedgerEntry(chargeId, lease.LeaseId, LedgerEntryKind.Charge, rentDue, chargeId, dueAt, now));
            else if (lines.Count > 0 && await rent.RunOfChargeAsync(session, chargeId, cancellationToken) == RentIds.MoveInCharges)
            {
                // The move-in funds paid this month's rent alone: its lines are a charge of their own, collected like any other.
                chargeId = RecurringChargeIds.FirstMonth(chargeId);
                amount = rentDue with { Amount = lines.Sum(line => line.Amount.Amount) };
                if (!await rent.PostChargeAsync(session, chargeId, run.RentRunId, lease.LeaseId, run.Period, amount, dueOn, policy,
                        now.ToUnixTimeMilliseconds(), cancellationToken))
                    continue;
            }
            else
                continue;

            foreach (var line in lines)
                await ledger.AppendAndPublishAsync(session, context, new LedgerEntry(RecurringChargeIds.Entry(chargeId, line.Line), lease.LeaseId,
                    LedgerEntryKind.Charge, line.Amount, chargeId, dueAt, now));
            await context.Publish(new RentChargePosted
            {
                ChargeId = chargeId,
                LeaseId = lease.LeaseId,
                RentRunId = run.RentRunId,
                Period = run.Period,
                Amount = amount,
                DueOn = dueOn,
                GraceDays = policy.GraceDays,
                Autopay = lease.Autopay,
                PostedAt = now,
            }, cancellationToken);
            posted++;
        }

        await rent.FinishRunAsync(session, run.RentRunId, leases.Count, posted, now.ToUnixTimeMilliseconds(), cancellationToken);
        await context.Publish(new RentRunFinished { RentRunId = run.RentRunId, Period = run.Period, Leases = leases.Count, Posted = posted, FinishedAt = now },
            cancellationToken);
        logger.LogInformation("Rent run {RentRunId} for {Period} posted {Posted} charges over {Leases} active leases", run.RentRunId, run.Period,
            posted, leases.Count);
    }
}

/// <summary>A rent run for something that is not a "YYYY-MM" period; no retry can help.</summary>
public sealed class InvalidRentPeriodException(string period) : Exception($"'{period}' is not a period (YYYY-MM).");

/// <summary>The ledger entry of a recurring charge's line in a period's rent charge: one per charge and line, however often the run is repeated.</summary>
public static class RecurringChargeIds
{
    /// <summary>The charge of a lease's first-month lines, when the move-in funds paid that month's rent (<paramref name="rentCharge"/>) alone.</summary>
    public static Guid FirstMonth(Guid rentCharge) => RentIds.From($"first-month-lines:{rentCharge:N}");

    public static Guid Entry(Guid chargeId, int line) =>
        RentIds.From($"charge-line:{chargeId:N}:{line.ToString(CultureInfo.InvariantCulture)}");
}
