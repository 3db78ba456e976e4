using MassTransit;
using Orchestration.Endpoints.Notifications.Sending;
using Orchestration.Endpoints.Notifications.Templates;
using Orchestration.Messages.Notifications;

namespace Orchestration.Endpoints.Notifications;

/// <summary>
/// Emails a tenant. Runs under the platform's inbox/outbox, so <see cref="SqlSession"/> already holds the transaction
/// in which this message is marked handled. On top of the inbox (which knows message ids), the <c>deliveries</c> table
/// knows business facts: a command whose deduplication key was already sent, under any message id, sends nothing.
/// </summary>
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

        var claimed = await store.TryClaimAsync(session, email, sender.Name, context.MessageId, time.GetUtcNow().ToUnixTimeMilliseconds(),
            context.CancellationToken);
        if (!claimed)
        {
            logger.LogInformation("The {Email} email of lease {LeaseId} was already sent (deduplication key {DeduplicationKey}); not sending it again",
                email.Email, email.LeaseId, email.DeduplicationKey);
            return;
        }

        // The provider call is I/O outside the database transaction, which commits only after this method returns. If
        // the process dies (or the commit fails) after the provider accepted the email, the deliveries row is rolled
        // back with the inbox row, the command is redelivered, and the email goes out a second time: at most a
        // duplicate, and a recognisable one, because the copy carries the same Message-ID and (SendGrid) the same
        // dedup_key custom arg, both derived from the deduplication key. The Pickup provider writes in this same
        // transaction and so never duplicates. The reverse order (commit, then send) would lose emails instead.
        var providerMessageId = await sender.SendAsync(email, context.CancellationToken);
        await store.RecordProviderMessageIdAsync(session, email.DeduplicationKey, providerMessageId, context.CancellationToken);

        logger.LogInformation("Sent the {Email} email of lease {LeaseId} through {Provider} (deduplication key {DeduplicationKey})",
            email.Email, email.LeaseId, sender.Name, email.DeduplicationKey);
    }
}
