using MassTransit;
using Orchestration.Messages.Leasing;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>
/// Keeps Billing's own list of leases and their terms, from the lease-signing saga's <see cref="LeaseActivated"/>: the
/// rent and the charges the lease carries every month besides it, numbered in the order the lease lists them.
/// </summary>
public sealed class LeaseActivatedConsumer(SqlSession session, RentStore rent, IOptions<RentOptions> options, TimeProvider time)
    : IConsumer<LeaseActivated>
{
    public async Task Consume(ConsumeContext<LeaseActivated> context)
    {
        var lease = context.Message;
        await rent.AddLeaseAsync(session, new BillingLease(lease.LeaseId, lease.PropertyId, lease.MonthlyRent, options.Value.AutopayNewLeases),
            lease.TenantId, lease.TenantName, lease.TenantEmail, lease.LeaseStart, lease.LeaseEnd, time.GetUtcNow().ToUnixTimeMilliseconds(),
            context.CancellationToken);
        var lines = (lease.RecurringCharges ?? []).Select((charge, line) => new RecurringChargeLine(line, charge.Kind, charge.Description, charge.Amount))
            .ToList();
        if (lines.Count > 0)
            await rent.AddRecurringChargesAsync(session, lease.LeaseId, lines, context.CancellationToken);
    }
}
