using MassTransit;
using Orchestration.Endpoints.Notifications.Sending;
using Orchestration.Endpoints.Notifications.Templates;
using Orchestration.Messages.Notifications;

namespace Orchestration.Endpoints.Notifications;

/// <summary>
/// Emails a tenant, once per deduplication key under any message id (<see cref="EmailDelivery"/>); the inbox on top of
/// that knows message ids. No transaction is open while the provider answers (<c>CallsThirdParties</c>).
/// </summary>
public sealed class SendTenantEmailConsumer(EmailDelivery delivery, IOptions<NotificationsOptions> options) : IConsumer<SendTenantEmail>
{
    public Task Consume(ConsumeContext<SendTenantEmail> context)
    {
        // Before any I/O: a missing value or a bad address fails the same way on every attempt.
        var email = TenantEmailRenderer.Render(context.Message, options.Value.Sender());
        return delivery.SendOnceAsync(email, context.MessageId, context.CancellationToken);
    }
}
