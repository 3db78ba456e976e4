using MassTransit;
using Orchestration.Messages.Leasing;

namespace Orchestration.Endpoints.Billing.Rent;

/// <summary>Keeps Billing's own list of leases and their terms, from the lease-signing saga's <see cref="LeaseActivated"/>.</summary>
public sealed class LeaseActivatedConsumer(SqlSession session, RentStore rent, IOptions<RentOptions> options, TimeProvider time)
    : IConsumer<LeaseActivated>
{
    public Task Consume(ConsumeContext<LeaseActivated> context)
    {
        var lease = context.Message;
        return rent.AddLeaseAsync(session, new BillingLease(lease.LeaseId, lease.PropertyId, lease.MonthlyRent, options.Value.AutopayNewLeases),
            lease.TenantId, lease.TenantName, lease.TenantEmail, lease.LeaseStart, lease.LeaseEnd, time.GetUtcNow().ToUnixTimeMilliseconds(), context.CancellationToken);
    }
}
