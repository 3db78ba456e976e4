namespace Orchestration.Simulators.Webhooks;

/// <summary>Where a simulator posts its webhooks, how it signs them and how long it keeps retrying.</summary>
public sealed class WebhookOptions
{
    /// <summary>The receiving endpoint; none means events are recorded but not sent (settable at run time).</summary>
    public string? Url { get; set; }

    /// <summary>The HMAC-SHA256 signing secret shared with the receiver.</summary>
    public string Secret { get; set; } = "";

    /// <summary>Attempts per delivery, the first included, before the simulator gives up on it.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait after the first failed attempt; doubles after each further failure, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long one attempt may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
