using System.Net.Mail;
using MailKit.Security;
using Orchestration.Platform.Http;

namespace Orchestration.Endpoints.Notifications;

public sealed class NotificationsOptions : IValidatableOptions
{
    public const string Section = "Notifications";

    /// <summary><c>SendGrid</c>, <c>Smtp</c>, or <c>Pickup</c> (stored in the endpoint's database: the standalone default).</summary>
    public string Provider { get; set; } = EmailProviders.Pickup;

    /// <summary>The sender, as an address or as <c>Display Name &lt;address&gt;</c>. Its domain also ends every Message-ID.</summary>
    public string From { get; set; } = "Property Management <no-reply@orchestration.localhost>";

    public SendGridOptions SendGrid { get; set; } = new();

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>
    /// How long an unfinished claim of another process may still be that process sending the email (longer than the
    /// provider's whole timeout). Only after it is the claim taken over and the provider asked whether it has the email.
    /// </summary>
    public TimeSpan InDoubtAfter { get; set; } = TimeSpan.FromSeconds(45);

    public MaintenanceEmailOptions Maintenance { get; set; } = new();

    public MailAddress Sender() => MailAddress.TryCreate(From, out var address)
        ? address
        : throw new InvalidOperationException($"Notifications:From '{From}' is not an email address.");

    /// <summary>Startup checks; a misconfigured provider stops the endpoint before it takes a message.</summary>
    public IEnumerable<string> Problems()
    {
        if (!MailAddress.TryCreate(From, out _))
            yield return $"Notifications:From '{From}' is not an email address.";
        foreach (var address in Maintenance.StaffEmails.Where(address => !MailAddress.TryCreate(address, out _)))
            yield return $"Notifications:Maintenance:StaffEmails '{address}' is not an email address.";

        switch (Provider.ToLowerInvariant())
        {
            case "sendgrid" when InDoubtAfter <= SendGrid.Resilience.TotalTimeout:
                yield return $"Notifications:InDoubtAfter ({InDoubtAfter}) must be longer than Notifications:SendGrid:Resilience:TotalTimeout "
                    + $"({SendGrid.Resilience.TotalTimeout}): a send still under way would be taken for one that ended.";
                break;
            case "smtp" when InDoubtAfter <= Smtp.Timeout:
                yield return $"Notifications:InDoubtAfter ({InDoubtAfter}) must be longer than Notifications:Smtp:Timeout ({Smtp.Timeout}).";
                break;
        }

        switch (Provider.ToLowerInvariant())
        {
            case "sendgrid":
                if (!Uri.TryCreate(SendGrid.BaseUrl, UriKind.Absolute, out _))
                    yield return $"Notifications:SendGrid:BaseUrl '{SendGrid.BaseUrl}' is not an absolute URL.";
                if (string.IsNullOrWhiteSpace(SendGrid.ApiKey))
                    yield return "Notifications:SendGrid:ApiKey is required (set it from the environment: Notifications__SendGrid__ApiKey).";
                foreach (var problem in SendGrid.Resilience.Problems("Notifications:SendGrid:Resilience"))
                    yield return problem;
                break;
            case "smtp":
                if (string.IsNullOrWhiteSpace(Smtp.Host))
                    yield return "Notifications:Smtp:Host is required.";
                if (!Enum.IsDefined(Smtp.Security))
                {
                    yield return $"Notifications:Smtp:Security '{Smtp.Security}' is unknown. "
                        + "Use 'None', 'StartTls', 'StartTlsWhenAvailable', 'SslOnConnect' or 'Auto'.";
                }
                if (string.IsNullOrEmpty(Smtp.Username) && !string.IsNullOrEmpty(Smtp.Password))
                    yield return "Notifications:Smtp:Password is set without a Username.";
                if (Smtp.Timeout <= TimeSpan.Zero)
                    yield return "Notifications:Smtp:Timeout must be positive.";
                break;
            case "pickup":
                break;
            default:
                yield return $"Notifications:Provider '{Provider}' is unknown. Use 'SendGrid', 'Smtp' or 'Pickup'.";
                break;
        }
    }
}

public sealed class MaintenanceEmailOptions
{
    /// <summary>
    /// Whom a work order that needs a person pages, each as an address or <c>Display Name &lt;address&gt;</c>. Empty by
    /// default: a page then fails with its reason and is moved aside, so it is never lost unseen.
    /// </summary>
    public List<string> StaffEmails { get; set; } = [];

    public IReadOnlyList<MailAddress> Staff() => [.. StaffEmails.Select(address => new MailAddress(address))];
}

public static class EmailProviders
{
    public const string SendGrid = "SendGrid";
    public const string Smtp = "Smtp";
    public const string Pickup = "Pickup";
}

public sealed class SendGridOptions
{
    public string BaseUrl { get; set; } = "https://api.sendgrid.com";

    /// <summary>The API key, sent as a bearer token. From the environment or a secret store; never logged.</summary>
    public string ApiKey { get; set; } = "";

    /// <summary>
    /// Retries (429 and 5xx, honouring <c>Retry-After</c>), timeouts and circuit breaker of the calls to SendGrid
    /// (<c>Notifications:SendGrid:Resilience</c>).
    /// </summary>
    public ProviderResilienceOptions Resilience { get; set; } = new();

    /// <summary>
    /// Ask SendGrid's Email Activity API (<c>GET /v3/messages</c>, an add-on of SendGrid's with its own API-key scope)
    /// whether an email whose send ended unrecorded was accepted, before sending it again. Off: such an email is sent
    /// again, with the same dedup_key and Message-ID.
    /// </summary>
    public bool ActivityLookup { get; set; }
}

public sealed class SmtpOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 25;

    /// <summary>
    /// <c>None</c> (plain, as a local test server wants), <c>StartTls</c> (upgrade after connecting, required: port 587),
    /// <c>SslOnConnect</c> (TLS from the first byte: port 465), <c>StartTlsWhenAvailable</c> or <c>Auto</c>.
    /// </summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.None;

    /// <summary>Leave empty for a server that takes mail without authentication; otherwise the best mechanism the server offers is used.</summary>
    public string Username { get; set; } = "";

    /// <summary>From the environment or a secret store; never logged.</summary>
    public string Password { get; set; } = "";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
