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
        var posted = 0;
        foreach (var (lease, start, end) in leases)
        {
            var chargeId = RentIds.Charge(lease.LeaseId, run.Period);
            var amount = RentProration.ForPeriod(lease.Rent, first, start, end);
            var dueOn = RentProration.DueOn(first, start);
            var policy = policies.InForce(lease.PropertyId, lease.LeaseId, now);
            if (!await rent.PostChargeAsync(session, chargeId, run.RentRunId, lease.LeaseId, run.Period, amount, dueOn, policy,
                    now.ToUnixTimeMilliseconds(), cancellationToken))
                continue;

            await ledger.AppendAndPublishAsync(session, context, new LedgerEntry(chargeId, lease.LeaseId, LedgerEntryKind.Charge, amount, chargeId,
                new DateTimeOffset(dueOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), now));
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
