using MassTransit;

namespace Orchestration.Endpoints.Maintenance.Vendors;

/// <summary>
/// Answers the dispatch saga's <see cref="ChooseVendor"/> with the first eligible vendor not tried yet: the one staff
/// asked for when it is eligible, otherwise the registry's order of preference. Reads only, so a repeat answers the same
/// (unless the registry changed in between, which the saga's attempt number absorbs).
/// </summary>
public sealed class ChooseVendorConsumer(SqlSession session, VendorRegistry registry, TimeProvider time, ILogger<ChooseVendorConsumer> logger)
    : IConsumer<ChooseVendor>
{
    public async Task Consume(ConsumeContext<ChooseVendor> context)
    {
        var request = context.Message;
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var eligible = (await registry.EligibleAsync(session, request.Trade, request.ServiceArea, today, context.CancellationToken))
            .Where(vendor => !request.Excluding.Contains(vendor.VendorId))
            .ToList();
        var chosen = eligible.FirstOrDefault(vendor => vendor.VendorId == request.PreferredVendorId) ?? eligible.FirstOrDefault();

        if (chosen is null)
        {
            logger.LogWarning("No eligible {Trade} vendor in {ServiceArea} for work order {WorkOrderId} (attempt {Attempt})",
                request.Trade, request.ServiceArea, request.WorkOrderId, request.Attempt);
            await context.Publish(new NoVendorAvailable
            {
                WorkOrderId = request.WorkOrderId,
                Attempt = request.Attempt,
                Reason = request.Excluding.Count == 0
                    ? $"No insured {request.Trade} vendor serves {request.ServiceArea}"
                    : $"No insured {request.Trade} vendor serves {request.ServiceArea} besides the {request.Excluding.Count} already tried",
            }, context.CancellationToken);
            return;
        }

        logger.LogInformation("Vendor {VendorId} chosen for work order {WorkOrderId} (attempt {Attempt})", chosen.VendorId, request.WorkOrderId,
            request.Attempt);
        await context.Publish(new VendorChosen
        {
            WorkOrderId = request.WorkOrderId, Attempt = request.Attempt, VendorId = chosen.VendorId, VendorName = chosen.Name,
        }, context.CancellationToken);
    }
}
