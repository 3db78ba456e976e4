using MassTransit;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Endpoints.Devices.Alarms;

/// <summary>
/// A work order opened by an alarm is over (done, or cancelled by staff as a false alarm): the device's next alarm of
/// that kind opens a new one.
/// </summary>
public sealed class WorkOrderClosedConsumer(SqlSession session, DeviceAlarms alarms) : IConsumer<WorkOrderCompleted>, IConsumer<WorkOrderCancelled>
{
    public Task Consume(ConsumeContext<WorkOrderCompleted> context) => alarms.CloseAsync(session, context.Message.WorkOrderId, context.CancellationToken);

    public Task Consume(ConsumeContext<WorkOrderCancelled> context) => alarms.CloseAsync(session, context.Message.WorkOrderId, context.CancellationToken);
}
