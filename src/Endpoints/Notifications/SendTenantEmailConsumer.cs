using MassTransit;
using Orchestration.Endpoints.Notifications.Sending;
using Orchestration.Endpoints.Notifications.Templates;
using Orchestration.Messages.Notifications;

namespace Orchestration.Endpoints.Notifications;

/// <summary>
/// Emails a tenant. On top of the inbox (which knows message ids), the <c>deliveries</c> table knows business facts: a
/// command whose deduplication key was already sent, under any message id, sends nothing.
/// </summary>
/// <remarks>
/// No transaction is open while the provider answers (<c>CallsThirdParties</c>). The email is claimed for this message
/// in a step committed before the send, so a copy of the command handled meanwhile under another message id finds it
/// claimed and sends nothing: SendGrid takes no idempotency key, and two sends would be two emails. The acceptance is
/// recorded with the commit that marks the command handled. If the process dies (or that commit, or the send, fails)
/// after the claim, the message is redelivered, finds its own claim never completed, and sends again: at least once,
/// and a repeat is a recognisable one, because it carries the same Message-ID and (SendGrid) the same dedup_key custom
/// arg, both derived from the deduplication key. Sending only after a committed "sent" record would lose emails instead.
/// The Pickup provider writes with that final commit and so never stores a repeat.
/// </remarks>
public sealed class SendTenantEmailConsumer(
    SqlSession session,
    NotificationsStore store,
    IEmailSender sender,
    IOptions<NotificationsOptions> options,
    TimeProvider time,
    ILogger<SendTenantEmailConsumer> logger) : IConsumer<SendTenantEmail>
{
    public async Task Consume(ConsumeContext<SendTenantEmail> context)
    {
        // Before any I/O: a missing value or a bad address fails the same way on every attempt.
        var email = TenantEmailRenderer.Render(context.Message, options.Value.Sender());

        var claim = await session.StepAsync(
            ct => store.ClaimAsync(session, email, sender.Name, context.MessageId, time.GetUtcNow().ToUnixTimeMilliseconds(), ct),
            context.CancellationToken);
        if (claim != DeliveryClaim.Claimed)
        {
            logger.LogInformation("The {Email} email of lease {LeaseId} was already {Claim} (deduplication key {DeduplicationKey}); not sending it again",
                email.Email, email.LeaseId, claim == DeliveryClaim.Sent ? "sent" : "claimed by another message", email.DeduplicationKey);
            return;
        }

        var providerMessageId = await sender.SendAsync(email, context.CancellationToken);
        store.RecordAccepted(session, email.DeduplicationKey, providerMessageId, time.GetUtcNow().ToUnixTimeMilliseconds());

        logger.LogInformation("Sent the {Email} email of lease {LeaseId} through {Provider} (deduplication key {DeduplicationKey})",
            email.Email, email.LeaseId, sender.Name, email.DeduplicationKey);
    }
}
