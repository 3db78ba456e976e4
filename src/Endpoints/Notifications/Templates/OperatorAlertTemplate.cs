using System.Net;
using System.Net.Mail;
using Orchestration.Messages.Notifications;

namespace Orchestration.Endpoints.Notifications.Templates;

/// <summary>
/// The email of an operator alert: the alert's subject behind an <c>[Orchestration alert]</c> tag operators can filter on,
/// and its text, plain and as HTML. Its Message-ID derives from the alert and the recipient, so a repeat of the command
/// is a recognisable repeat.
/// </summary>
public static class OperatorAlertTemplate
{
    public const string SubjectTag = "[Orchestration alert]";

    public static IEnumerable<OutgoingEmail> Render(SendOperatorAlert alert, MailAddress from)
    {
        foreach (var recipient in alert.Recipients.Distinct(StringComparer.OrdinalIgnoreCase))
        {
            if (!MailAddress.TryCreate(recipient, out var to))
                throw new InvalidRecipientException(recipient);

            var key = $"operator-alert-{alert.AlertId:N}-{to.Address.ToLowerInvariant()}";
            var text = $"{alert.Text}\n\nRaised at {alert.RaisedAt:u} ({alert.Kind}).";
            yield return new OutgoingEmail
            {
                // Tenant emails name their lease and template; an operator alert has neither.
                LeaseId = Guid.Empty,
                Email = "OperatorAlert",
                DeduplicationKey = key,
                MessageId = $"<{key}@{from.Host}>",
                From = from,
                To = to,
                Subject = $"{SubjectTag} {alert.Subject}",
                Text = text,
                Html = $"<pre>{WebUtility.HtmlEncode(text)}</pre>",
            };
        }
    }
}

/// <summary>An alert recipient that is not an email address: configuration to fix, not a message to retry.</summary>
public sealed class InvalidRecipientException(string recipient) : Exception($"Alert recipient '{recipient}' is not an email address.");
