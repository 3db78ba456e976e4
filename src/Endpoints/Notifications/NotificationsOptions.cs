using System.Net.Mail;

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

    public MailAddress Sender() => MailAddress.TryCreate(From, out var address)
        ? address
        : throw new InvalidOperationException($"Notifications:From '{From}' is not an email address.");

    /// <summary>Startup checks; a misconfigured provider stops the endpoint before it takes a message.</summary>
    public IEnumerable<string> Problems()
    {
        if (!MailAddress.TryCreate(From, out _))
            yield return $"Notifications:From '{From}' is not an email address.";

        switch (Provider.ToLowerInvariant())
        {
            case "sendgrid":
                if (!Uri.TryCreate(SendGrid.BaseUrl, UriKind.Absolute, out _))
                    yield return $"Notifications:SendGrid:BaseUrl '{SendGrid.BaseUrl}' is not an absolute URL.";
                if (string.IsNullOrWhiteSpace(SendGrid.ApiKey))
                    yield return "Notifications:SendGrid:ApiKey is required (set it from the environment: Notifications__SendGrid__ApiKey).";
                if (SendGrid.MaxAttempts < 1)
                    yield return "Notifications:SendGrid:MaxAttempts must be at least 1.";
                break;
            case "smtp":
                if (string.IsNullOrWhiteSpace(Smtp.Host))
                    yield return "Notifications:Smtp:Host is required.";
                break;
            case "pickup":
                break;
            default:
                yield return $"Notifications:Provider '{Provider}' is unknown. Use 'SendGrid', 'Smtp' or 'Pickup'.";
                break;
        }
    }
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

    /// <summary>Calls per email, the first included, before the failure goes back to the endpoint's recoverability policy.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The first backoff; each further one doubles, with jitter.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// The longest this endpoint waits between two calls. A <c>Retry-After</c> longer than this is not waited out here,
    /// with the inbox transaction open: the attempt fails and the delayed retries of the recoverability policy take over.
    /// </summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Time allowed for one call.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class SmtpOptions
{
    public string Host { get; set; } = "";
    public int Port { get; set; } = 25;
    public bool EnableSsl { get; set; }

    /// <summary>Leave empty for a server that takes mail without authentication.</summary>
    public string Username { get; set; } = "";

    /// <summary>From the environment or a secret store; never logged.</summary>
    public string Password { get; set; } = "";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}
