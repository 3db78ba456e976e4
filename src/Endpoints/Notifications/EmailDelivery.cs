using Orchestration.Endpoints.Notifications.Sending;
using Orchestration.Endpoints.Notifications.Templates;

namespace Orchestration.Endpoints.Notifications;

/// <summary>
/// Sends emails once per deduplication key, as <see cref="SendTenantEmailConsumer"/> does: every email is claimed in one
/// step committed before any provider call (<see cref="NotificationsStore.ClaimAsync"/>), the claimed ones are sent,
/// and their acceptance is recorded with the commit that marks the command handled. An email another message claimed,
/// or the provider already accepted, is skipped. When a send fails, the command is redelivered and sends again the
/// emails this message claimed but never recorded: at least once, and a repeat is recognisable by its Message-ID and
/// dedup_key. For a consumer registered with <c>CallsThirdParties</c>.
/// </summary>
public sealed class EmailDelivery(SqlSession session, NotificationsStore store, IEmailSender sender, TimeProvider time, ILogger<EmailDelivery> logger)
{
    /// <summary>Sends each email not sent yet; returns how many were sent by this call.</summary>
    public async Task<int> SendOnceAsync(IReadOnlyList<OutgoingEmail> emails, Guid? messageId, CancellationToken cancellationToken)
    {
        var claimed = await session.StepAsync(async ct =>
        {
            var mine = new List<OutgoingEmail>();
            foreach (var email in emails)
            {
                var claim = await store.ClaimAsync(session, email, sender.Name, messageId, time.GetUtcNow().ToUnixTimeMilliseconds(), ct);
                if (claim == DeliveryClaim.Claimed)
                    mine.Add(email);
                else
                {
                    logger.LogInformation("The {Email} email about {SubjectId} was already {Claim} (deduplication key {DeduplicationKey}); not sending it again",
                        email.Email, email.LeaseId, claim == DeliveryClaim.Sent ? "sent" : "claimed by another message", email.DeduplicationKey);
                }
            }

            return mine;
        }, cancellationToken);

        foreach (var email in claimed)
        {
            var providerMessageId = await sender.SendAsync(email, cancellationToken);
            store.RecordAccepted(session, email.DeduplicationKey, providerMessageId, time.GetUtcNow().ToUnixTimeMilliseconds());
            logger.LogInformation("Sent the {Email} email about {SubjectId} through {Provider} (deduplication key {DeduplicationKey})",
                email.Email, email.LeaseId, sender.Name, email.DeduplicationKey);
        }

        return claimed.Count;
    }
}
