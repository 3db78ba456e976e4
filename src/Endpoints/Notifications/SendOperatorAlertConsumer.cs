using MassTransit;
using Orchestration.Endpoints.Notifications.Sending;
using Orchestration.Endpoints.Notifications.Templates;
using Orchestration.Messages.Notifications;

namespace Orchestration.Endpoints.Notifications;

/// <summary>
/// Emails an operator alert to each of its recipients through the configured provider, claiming each email by its
/// deduplication key first, as tenant emails are (<see cref="SendTenantEmailConsumer"/>): a repeated command sends nothing new.
/// </summary>
public sealed class SendOperatorAlertConsumer(
    SqlSession session,
    NotificationsStore store,
    IEmailSender sender,
    IOptions<NotificationsOptions> options,
    TimeProvider time,
    ILogger<SendOperatorAlertConsumer> logger) : IConsumer<SendOperatorAlert>
{
    public async Task Consume(ConsumeContext<SendOperatorAlert> context)
    {
        var emails = OperatorAlertTemplate.Render(context.Message, options.Value.Sender()).ToList();
        var toSend = new List<OutgoingEmail>();
        foreach (var email in emails)
        {
            var claim = await session.StepAsync(
                ct => store.ClaimAsync(session, email, sender.Name, context.MessageId, time.GetUtcNow().ToUnixTimeMilliseconds(), ct),
                context.CancellationToken);
            if (claim == DeliveryClaim.Claimed)
                toSend.Add(email);
        }

        foreach (var email in toSend)
        {
            var providerMessageId = await sender.SendAsync(email, context.CancellationToken);
            store.RecordAccepted(session, email.DeduplicationKey, providerMessageId, time.GetUtcNow().ToUnixTimeMilliseconds());
        }

        logger.LogInformation("Sent the {Kind} alert {AlertId} to {Count} operator(s) through {Provider}",
            context.Message.Kind, context.Message.AlertId, toSend.Count, sender.Name);
    }
}
