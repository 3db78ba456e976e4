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

// The provider exceptions carry the underlying failure in their message rather than as an inner exception: the error
// queue's MT-Fault-ExceptionType names the innermost exception, and operators group failed messages by it.

/// <summary>The provider refused the email for good (a 4xx from SendGrid, a 5xx SMTP reply): retrying cannot help.</summary>
public sealed class EmailRejectedException(string provider, string reason)
    : Exception($"{provider} rejected the email: {reason}")
{
    public string Provider { get; } = provider;
    public string Reason { get; } = reason;
}

/// <summary>The provider could not be reached or asked us to come back later; the recoverability policy retries.</summary>
public sealed class EmailProviderUnavailableException(string provider, string reason)
    : Exception($"{provider} is unavailable: {reason}")
{
    public string Provider { get; } = provider;
}
