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
}

/// <summary>A signed webhook every alert is posted to, as JSON with an HMAC-SHA256 signature of the timestamp and body.</summary>
public sealed class AlertWebhookOptions
{
    /// <summary>Empty: no webhook.</summary>
    public string? Url { get; set; }

    /// <summary>The HMAC key the receiver verifies <c>Orchestration-Signature</c> with; required with a URL.</summary>
    public string? Secret { get; set; }
}
