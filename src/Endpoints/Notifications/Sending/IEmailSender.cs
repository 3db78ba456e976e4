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
}
