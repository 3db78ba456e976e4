using System.ComponentModel.DataAnnotations;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using System.Text.Unicode;
using Orchestration.Messages.Notifications;

namespace Orchestration.Endpoints.Notifications.Templates;

/// <summary>An email ready for a provider: rendered, addressed, and named by its stable Message-ID.</summary>
public sealed record OutgoingEmail
{
    /// <summary>
    /// The lease the email is about or, for a maintenance email, the work order: the id deliveries and the Pickup list
    /// are kept by.
    /// </summary>
    public required Guid LeaseId { get; init; }

    /// <summary>Which email it is: a <see cref="TenantEmail"/>, or one of the <see cref="MaintenanceEmails"/>.</summary>
    public required string Email { get; init; }

    public required string DeduplicationKey { get; init; }

    /// <summary>RFC 5322 Message-ID (with angle brackets), derived from the deduplication key: every copy of one email has the same.</summary>
    public required string MessageId { get; init; }

    public required MailAddress From { get; init; }
    public required MailAddress To { get; init; }
    public required string Subject { get; init; }
    public required string Text { get; init; }
    public required string Html { get; init; }
}
public static partial class TenantEmailRenderer
{
    const string RecipientName = "RecipientName";

    // Letters of every script stay readable; markup characters (< > & " ') become entities.
    static readonly HtmlEncoder HtmlEncoding = HtmlEncoder.Create(UnicodeRanges.All);

    [GeneratedRegex(@"\{\{(\w+)\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"[\r\n\t]+", RegexOptions.CultureInvariant)]
    private static partial Regex LineBreaks();

    /// <summary>The values a template needs from <see cref="SendTenantEmail.Values"/>, for senders and documentation.</summary>
    public static IReadOnlyList<string> RequiredValues(TenantEmail email) =>
        Placeholders(TenantEmailTemplates.For(email)).Where(name => name != RecipientName).ToList();

    /// <summary>
    /// Renders the command's email. Values go into the HTML encoded and into the subject on one line; a missing value
    /// throws <see cref="MissingTemplateValueException"/>, a malformed address or link <see cref="ValidationException"/>.
    /// </summary>
    public static OutgoingEmail Render(SendTenantEmail command, MailAddress from)
    {
        if (string.IsNullOrWhiteSpace(command.DeduplicationKey))
            throw new ValidationException($"The {command.Email} email for lease {command.LeaseId} has no deduplication key.");

        var template = TenantEmailTemplates.For(command.Email);
        var values = new Dictionary<string, string>(command.Values, StringComparer.OrdinalIgnoreCase)
        {
            [RecipientName] = command.RecipientName,
        };

        var used = Placeholders(template);
        var missing = used.Where(name => !values.TryGetValue(name, out var value) || string.IsNullOrWhiteSpace(value)).ToList();
        if (missing.Count > 0)
            throw new MissingTemplateValueException(command.Email, missing);

        foreach (var name in used.Where(name => name.EndsWith("Url", StringComparison.Ordinal)))
        {
            if (!(Uri.TryCreate(values[name], UriKind.Absolute, out var link) && (link.Scheme == Uri.UriSchemeHttps || link.Scheme == Uri.UriSchemeHttp)))
                throw new ValidationException($"The {command.Email} email's {name} must be an absolute http(s) link.");
        }

        if (!MailAddress.TryCreate(command.RecipientEmail, LineBreaks().Replace(command.RecipientName, " "), out var to))
            throw new ValidationException($"The recipient address of the {command.Email} email for lease {command.LeaseId} is not a valid email address.");

        var subject = Fill(template.Subject, values, value => LineBreaks().Replace(value, " ").Trim());
        var body = Fill(template.Html, values, HtmlEncoding.Encode);
        return new OutgoingEmail
        {
            LeaseId = command.LeaseId,
            Email = command.Email.ToString(),
            DeduplicationKey = command.DeduplicationKey,
            MessageId = MessageIdFor(command.DeduplicationKey, from),
            From = from,
            To = to,
            Subject = subject,
            Text = Fill(template.Text, values, value => value),
            Html = Placeholder().Replace(TenantEmailTemplates.Layout, m => m.Groups[1].Value == "Body" ? body : HtmlEncoding.Encode(subject)),
        };
    }

    /// <summary>
    /// The same deduplication key always gives the same Message-ID, so a copy sent again after a crash is recognisable as
    /// the same email (by mail clients, which thread or drop it, and by anyone reading the provider's logs).
    /// </summary>
    public static string MessageIdFor(string deduplicationKey, MailAddress from)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(deduplicationKey));
        return $"<{Convert.ToHexStringLower(hash.AsSpan(0, 16))}.tenant-email@{from.Host}>";
    }

    static List<string> Placeholders(TenantEmailTemplate template) =>
        Placeholder().Matches(template.Subject + template.Text + template.Html)
            .Select(m => m.Groups[1].Value)
            .Distinct(StringComparer.Ordinal)
            .ToList();

    static string Fill(string template, Dictionary<string, string> values, Func<string, string> encode) =>
        Placeholder().Replace(template, m => encode(values[m.Groups[1].Value]));
}
