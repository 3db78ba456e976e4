using System.Text.Json;
using MassTransit;

namespace Orchestration.Endpoints.Maintenance.Vendors;

/// <summary>
/// Records the dispatch saga's offers and withdrawals for the vendor API and asks for the webhook that tells the vendor,
/// which goes out only after this transaction commits: a vendor that answers the webhook at once finds its offer. A
/// repeated command asks again with the same event id, so the vendor sees a repeat it can drop, never a second job.
/// </summary>
public sealed class VendorDispatchConsumer(SqlSession session, VendorRegistry registry, VendorOffers offers, TimeProvider time,
    ILogger<VendorDispatchConsumer> logger) : IConsumer<DispatchToVendor>, IConsumer<WithdrawDispatch>
{
    public const string Dispatched = "work_order.dispatched";
    public const string Withdrawn = "work_order.withdrawn";

    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task Consume(ConsumeContext<DispatchToVendor> context)
    {
        var offer = context.Message;
        await EnsureRegisteredAsync(offer.VendorId, context.CancellationToken);
        await offers.RecordAsync(session, offer, time.GetUtcNow(), context.CancellationToken);
        await context.Send(new DeliverVendorWebhook
        {
            VendorId = offer.VendorId,
            EventId = offer.EventId,
            Type = Dispatched,
            WorkOrderJson = JsonSerializer.Serialize(new
            {
                id = offer.WorkOrderId,
                offer.PropertyId,
                offer.UnitId,
                priority = offer.Priority.ToString(),
                offer.Category,
                offer.Description,
                offer.AcceptBy,
            }, Json),
        }, context.CancellationToken);
        logger.LogInformation("Work order {WorkOrderId} offered to vendor {VendorId} (event {EventId})", offer.WorkOrderId, offer.VendorId, offer.EventId);
    }

    public async Task Consume(ConsumeContext<WithdrawDispatch> context)
    {
        var withdrawal = context.Message;
        await EnsureRegisteredAsync(withdrawal.VendorId, context.CancellationToken);
        await offers.WithdrawAsync(session, withdrawal.WorkOrderId, withdrawal.VendorId, time.GetUtcNow(), context.CancellationToken);
        await context.Send(new DeliverVendorWebhook
        {
            VendorId = withdrawal.VendorId,
            EventId = withdrawal.EventId,
            Type = Withdrawn,
            WorkOrderJson = JsonSerializer.Serialize(new { id = withdrawal.WorkOrderId, withdrawal.Reason }, Json),
        }, context.CancellationToken);
        logger.LogInformation("Work order {WorkOrderId} withdrawn from vendor {VendorId}", withdrawal.WorkOrderId, withdrawal.VendorId);
    }

    async Task EnsureRegisteredAsync(Guid vendorId, CancellationToken cancellationToken)
    {
        if (await registry.FindAsync(session, vendorId, cancellationToken) is null)
            throw new VendorNotRegisteredException(vendorId);
    }
}

/// <summary>
/// Posts the webhook <see cref="VendorDispatchConsumer"/> asked for, signed with the vendor's current secret, with no
/// transaction open while the vendor answers (registered with <c>CallsThirdParties</c>).
/// </summary>
public sealed class DeliverVendorWebhookConsumer(SqlSession session, VendorRegistry registry, VendorWebhookClient webhooks)
    : IConsumer<DeliverVendorWebhook>
{
    public async Task Consume(ConsumeContext<DeliverVendorWebhook> context)
    {
        var webhook = context.Message;
        var vendor = await session.ReadStepAsync(ct => registry.FindAsync(session, webhook.VendorId, ct), context.CancellationToken)
            ?? throw new VendorNotRegisteredException(webhook.VendorId);
        await webhooks.SendAsync(vendor, webhook.EventId, webhook.Type, webhook.WorkOrderJson, context.CancellationToken);
    }
}
