using MassTransit;
using Orchestration.Endpoints.Billing.Rent;
using Orchestration.Messages.Billing;

namespace Orchestration.Endpoints.Billing.Ledger;

/// <summary>
/// Brings a lease's late fees up to date through a day: the late-fee engine reads the lease's ledger and its charges
/// (each with the policy in force when it was posted) and this writes the entries it finds missing.
/// </summary>
public sealed class AssessLateFeesConsumer(SqlSession session, LedgerStore ledger, RentStore rent, IOptions<RentOptions> options, TimeProvider time,
    ILogger<AssessLateFeesConsumer> logger) : IConsumer<AssessLateFees>
{
    public async Task Consume(ConsumeContext<AssessLateFees> context)
    {
        var (leaseId, cancellationToken) = (context.Message.LeaseId, context.CancellationToken);
        var entries = await ledger.EntriesAsync(session, leaseId, null, cancellationToken);
        var charges = await rent.LateChargesAsync(session, leaseId, cancellationToken);
        if (entries.Count == 0 || charges.Count == 0)
            return;

        var fees = LateFees.ToRecord(leaseId, entries[0].Amount.Currency, entries, charges, options.Value.Allocation, context.Message.Through, time.GetUtcNow());
        foreach (var fee in fees)
            await ledger.AppendAndPublishAsync(session, context, fee);
        if (fees.Count > 0)
            logger.LogInformation("Lease {LeaseId}: {Count} late-fee entries through {Through}, {Total} in all", leaseId, fees.Count, context.Message.Through,
                fees.Sum(f => f.Amount.Amount));
    }
}
