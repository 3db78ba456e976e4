using Orchestration.Messages.Notifications;

// What fails in Notifications, by the names operators read in an error queue's MT-Fault-ExceptionType. Each exception
// keeps the namespace of the feature that throws it, so those names stay as they were; AddNotificationsServices
// declares which of them no retry can fix.
namespace Orchestration.Endpoints.Notifications.Templates
{
    /// <summary>The command lacks a value its template needs. No retry can supply it, so the endpoint treats it as unrecoverable.</summary>
    public sealed class MissingTemplateValueException(TenantEmail email, IReadOnlyList<string> missing)
        : Exception($"The {email} email needs {string.Join(", ", missing)}, which the command does not carry.")
    {
        public TenantEmail Email { get; } = email;
        public IReadOnlyList<string> Missing { get; } = missing;
    }
}

// The provider exceptions carry the underlying failure in their message rather than as an inner exception: the error
// queue's MT-Fault-ExceptionType names the innermost exception, and operators group failed messages by it.
namespace Orchestration.Endpoints.Notifications.Sending
{
    /// <summary>The provider refused the email for good (a 4xx from SendGrid, a 5xx SMTP reply): retrying cannot help.</summary>
    public sealed class EmailRejectedException(string provider, string reason)
        : Exception($"{provider} rejected the email: {reason}")
    {
        public string Provider { get; } = provider;
        public string Reason { get; } = reason;
    }

    /// <summary>
    /// Another attempt claimed the email and may still be sending it (here, or in another instance that has not been
    /// silent for <c>Notifications:InDoubtAfter</c> yet): the recoverability policy tries again later, when that attempt
    /// has either finished or can be taken over.
    /// </summary>
    public sealed class EmailSendInDoubtException(string deduplicationKey, string reason)
        : Exception($"The email {deduplicationKey} may be being sent by another attempt: {reason}")
    {
        public string DeduplicationKey { get; } = deduplicationKey;
    }

    /// <summary>The provider could not be reached or asked us to come back later; the recoverability policy retries.</summary>
    public sealed class EmailProviderUnavailableException(string provider, string reason)
        : Exception($"{provider} is unavailable: {reason}")
    {
        public string Provider { get; } = provider;
    }
}
