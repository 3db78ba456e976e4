using MassTransit;
using Orchestration.Endpoints.Notifications.Sending;
using Orchestration.Endpoints.Notifications.Templates;
using Orchestration.Messages.Maintenance;

namespace Orchestration.Endpoints.Notifications.Maintenance;

/// <summary>Asks the tenant how the visit went, once per work order (the command's deduplication key).</summary>
public sealed class RequestWorkOrderFeedbackConsumer(EmailDelivery delivery, IOptions<NotificationsOptions> options)
    : IConsumer<RequestWorkOrderFeedback>
{
    public async Task Consume(ConsumeContext<RequestWorkOrderFeedback> context)
    {
        var email = MaintenanceEmails.Render(context.Message, options.Value.Sender());
        await delivery.SendOnceAsync([email], context.MessageId, context.CancellationToken);
    }
}
