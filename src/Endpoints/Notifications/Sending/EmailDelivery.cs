using Orchestration.Endpoints.Notifications.Templates;

namespace Orchestration.Endpoints.Notifications.Sending;

/// <summary>
/// Sends each email once per deduplication key, under any message id, with no transaction open while the provider
/// answers (SendGrid takes no idempotency key: two sends are two emails).
/// <list type="number">
/// <item>Each email is claimed for this attempt in a step committed before any send; an email already accepted is not sent.</item>
/// <item>An unfinished claim of another message is left to that message, which is redelivered until it is handled.</item>
/// <item>An unfinished claim of an earlier attempt at this same message (a redelivery after a crash, a stop, a failed send)
/// is left alone while that attempt may still be sending: unless it is an ended attempt of this very process, for
/// <c>Notifications:InDoubtAfter</c> (longer than the provider's own timeout). Meanwhile
/// <see cref="EmailSendInDoubtException"/> has the recoverability policy try again later.</item>
/// <item>An unfinished claim that is no longer anyone's is taken over, and the provider is asked whether it has the email
/// (<see cref="IEmailSender.FindAcceptedAsync"/>): if it has, its acceptance is recorded and nothing is sent.</item>
/// <item>The acceptances are recorded with the commit that marks the command handled.</item>
/// </list>
/// So a process killed mid-send repeats no email where the provider can say what it has (SendGrid with its activity
/// feed), and repeats one recognisably elsewhere: the repeat carries the same Message-ID and dedup_key.
/// </summary>
public sealed class EmailDelivery(
    SqlSession session,
    NotificationsStore store,
    IEmailSender sender,
    EmailsInFlight inFlight,
    IOptions<NotificationsOptions> options,
    TimeProvider time,
    ILogger<EmailDelivery> logger)
{
    enum Next { Skip, Send, Found }

    public Task SendOnceAsync(OutgoingEmail email, Guid? incomingMessageId, CancellationToken cancellationToken) =>
        SendOnceAsync([email], incomingMessageId, cancellationToken);

    /// <summary>
    /// Several emails of one command: every claim (a committed step) comes before any send, whose record is deferred to
    /// the final commit; a redelivery after a failure finishes those not recorded.
    /// </summary>
    public async Task SendOnceAsync(IReadOnlyList<OutgoingEmail> emails, Guid? incomingMessageId, CancellationToken cancellationToken)
    {
        var attempts = emails.Select(email => inFlight.Begin(email.DeduplicationKey)).ToList();
        try
        {
            var plan = new List<(OutgoingEmail Email, Next Next, AcceptedEmail? Found)>();
            foreach (var email in emails)
                plan.Add(await DecideAsync(email, incomingMessageId, cancellationToken));

            foreach (var (email, next, found) in plan)
            {
                if (next == Next.Found)
                {
                    store.RecordAccepted(session, email.DeduplicationKey, found!.ProviderMessageId, Now());
                    logger.LogInformation("The {Email} email about {SubjectId}, whose earlier send ended unrecorded, is known to {Provider}; "
                        + "not sending it again (deduplication key {DeduplicationKey})", email.Email, email.LeaseId, sender.Name, email.DeduplicationKey);
                }
                else if (next == Next.Send)
                {
                    var providerMessageId = await sender.SendAsync(email, cancellationToken);
                    store.RecordAccepted(session, email.DeduplicationKey, providerMessageId, Now());
                    logger.LogInformation("Sent the {Email} email about {SubjectId} through {Provider} (deduplication key {DeduplicationKey})",
                        email.Email, email.LeaseId, sender.Name, email.DeduplicationKey);
                }
            }
        }
        finally
        {
            foreach (var attempt in attempts)
                attempt.Dispose();
        }
    }

    async Task<(OutgoingEmail, Next, AcceptedEmail?)> DecideAsync(OutgoingEmail email, Guid? incomingMessageId, CancellationToken cancellationToken)
    {
        var key = email.DeduplicationKey;
        var now = Now();
        var claim = await session.StepAsync(ct => store.ClaimAsync(session, email, sender.Name, incomingMessageId, inFlight.Process, now, ct),
            cancellationToken);
        switch (claim.State)
        {
            case DeliveryClaimState.Claimed:
                return (email, Next.Send, null);
            case DeliveryClaimState.Sent:
                logger.LogInformation("The {Email} email about {SubjectId} was sent already (deduplication key {DeduplicationKey}); not sending it again",
                    email.Email, email.LeaseId, key);
                return (email, Next.Skip, null);
            case DeliveryClaimState.Unfinished when claim.IncomingMessageId != incomingMessageId:
                // That message is being handled, or will be redelivered until it is: it finishes the email.
                logger.LogInformation("The {Email} email about {SubjectId} is claimed by another message (deduplication key {DeduplicationKey}); "
                    + "not sending it again", email.Email, email.LeaseId, key);
                return (email, Next.Skip, null);
        }

        var ended = sender.SendsWithCommit || (claim.ClaimedBy == inFlight.Process && !inFlight.OthersHandle(key));
        var inDoubtAfter = (long)options.Value.InDoubtAfter.TotalMilliseconds;
        if (!ended && now - claim.ClaimedAt < inDoubtAfter)
        {
            throw new EmailSendInDoubtException(key,
                $"claimed {now - claim.ClaimedAt} ms ago by another process, which may still be sending it for up to {inDoubtAfter} ms");
        }

        if (!await session.StepAsync(ct => store.TakeOverAsync(session, key, claim, incomingMessageId, inFlight.Process, now, ct), cancellationToken))
            throw new EmailSendInDoubtException(key, "another attempt took the unfinished claim over first");

        return await sender.FindAcceptedAsync(email, cancellationToken) is { } accepted ? (email, Next.Found, accepted) : (email, Next.Send, null);
    }

    long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
