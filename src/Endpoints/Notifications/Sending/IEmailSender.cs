using Orchestration.Endpoints.Notifications.Templates;

namespace Orchestration.Endpoints.Notifications.Sending;

/// <summary>An email provider (SendGrid, SMTP, the pickup table), chosen by <c>Notifications:Provider</c>.</summary>
public interface IEmailSender
{
    string Name { get; }

    /// <summary>
    /// Hands the email to the provider, with its Message-ID and, where the provider takes one, its deduplication key.
    /// Returns the provider's own id for the email when it gives one.
    /// </summary>
    Task<string?> SendAsync(OutgoingEmail email, CancellationToken cancellationToken);

    /// <summary>
    /// True when the send is part of the handler's commit (the pickup table): an attempt that did not commit sent nothing,
    /// so an unfinished claim is never in doubt.
    /// </summary>
    bool SendsWithCommit => false;

    /// <summary>
    /// What the provider knows of an email whose earlier send may or may not have reached it (the process died, or the
    /// answer was lost): its id for the email if it has it, null if it has not or cannot tell. Asked before sending the
    /// email again, so a repeat happens only where the provider keeps no record we can read.
    /// </summary>
    Task<AcceptedEmail?> FindAcceptedAsync(OutgoingEmail email, CancellationToken cancellationToken) => Task.FromResult<AcceptedEmail?>(null);
}

/// <summary>An email the provider has, by its id for it.</summary>
public sealed record AcceptedEmail(string? ProviderMessageId);
