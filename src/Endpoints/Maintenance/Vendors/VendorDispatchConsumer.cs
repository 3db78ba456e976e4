using MassTransit;

namespace Orchestration.Endpoints.Maintenance.Vendors;

/// <summary>
/// Delivers the dispatch saga's offers and withdrawals to the vendor as signed webhooks. A repeated command carries the
/// same event id, so the vendor sees a repeat it can drop, never a second job.
/// </summary>
public sealed class VendorDispatchConsumer(SqlSession session, VendorRegistry registry, VendorWebhookClient webhooks, ILogger<VendorDispatchConsumer> logger)
    : IConsumer<DispatchToVendor>, IConsumer<WithdrawDispatch>
{
    public const string Dispatched = "work_order.dispatched";
    public const string Withdrawn = "work_order.withdrawn";

    public async Task Consume(ConsumeContext<DispatchToVendor> context)
    {
        var offer = context.Message;
        var vendor = await VendorAsync(offer.VendorId, context.CancellationToken);
        await webhooks.SendAsync(vendor, offer.EventId, Dispatched, new
        {
            id = offer.WorkOrderId,
            offer.PropertyId,
            offer.UnitId,
            priority = offer.Priority.ToString(),
            offer.Category,
            offer.Description,
            offer.AcceptBy,
        }, context.CancellationToken);
        logger.LogInformation("Work order {WorkOrderId} offered to vendor {VendorId} (event {EventId})", offer.WorkOrderId, offer.VendorId, offer.EventId);
    }

    public async Task Consume(ConsumeContext<WithdrawDispatch> context)
    {
        var withdrawal = context.Message;
        var vendor = await VendorAsync(withdrawal.VendorId, context.CancellationToken);
        await webhooks.SendAsync(vendor, withdrawal.EventId, Withdrawn, new { id = withdrawal.WorkOrderId, withdrawal.Reason },
            context.CancellationToken);
        logger.LogInformation("Work order {WorkOrderId} withdrawn from vendor {VendorId}", withdrawal.WorkOrderId, withdrawal.VendorId);
    }

    async Task<Vendor> VendorAsync(Guid vendorId, CancellationToken cancellationToken) =>
        await registry.FindAsync(session, vendorId, cancellationToken) ?? throw new VendorNotRegisteredException(vendorId);
}
