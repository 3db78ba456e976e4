using MassTransit;
using Orchestration.Endpoints.Notifications.Sending;
using Orchestration.Endpoints.Notifications.Templates;
using Orchestration.Messages.Notifications;

namespace Orchestration.Endpoints.Notifications;

/// <summary>
/// Emails an operator alert to each of its recipients through the configured provider, each once per deduplication key
/// (<see cref="EmailDelivery"/>), as tenant emails are: a repeated command sends nothing new.
/// </summary>
public sealed class SendOperatorAlertConsumer(EmailDelivery delivery, IOptions<NotificationsOptions> options) : IConsumer<SendOperatorAlert>
{
    public Task Consume(ConsumeContext<SendOperatorAlert> context) =>
        delivery.SendOnceAsync(OperatorAlertTemplate.Render(context.Message, options.Value.Sender()).ToList(), context.MessageId,
            context.CancellationToken);
}
