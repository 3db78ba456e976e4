namespace Orchestration.Endpoints.Operations.Alerts;

/// <summary>Where alerts go and how often one incident may alert again.</summary>
public sealed class AlertOptions
{
    public const string Section = "Alerts";

    /// <summary>The operators emailed through Notifications; none, no email.</summary>
    public List<string> EmailRecipients { get; set; } = [];

    /// <summary>After an incident alerted, the same incident (lost again, failing again) stays silent this long.</summary>
    public TimeSpan CoolDown { get; set; } = TimeSpan.FromMinutes(15);

    public AlertWebhookOptions Webhook { get; set; } = new();

    /// <summary>How often the threshold rules (queue length, critical time, failures) are measured.</summary>
    public TimeSpan EvaluateEvery { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often due webhook deliveries are sent.</summary>
    public TimeSpan DeliverEvery { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The pause after a webhook delivery's first failed attempt; it doubles with each further one, up to 10 minutes.</summary>
    public TimeSpan WebhookBackoff { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Attempts after which a webhook delivery is given up (kept, with its last error).</summary>
    public int WebhookMaxAttempts { get; set; } = 10;
}

/// <summary>
/// The default rules' signed webhook (while admins have made no rule): every alert posted as JSON with an HMAC-SHA256
/// signature of the timestamp and body.
/// </summary>
public sealed class AlertWebhookOptions
{
    /// <summary>Empty: no webhook.</summary>
    public string? Url { get; set; }

    /// <summary>The HMAC key the receiver verifies <c>Orchestration-Signature</c> with; required with a URL.</summary>
    public string? Secret { get; set; }
}
