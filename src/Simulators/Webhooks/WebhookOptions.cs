namespace Orchestration.Simulators.Webhooks;

/// <summary>Where a simulator posts its webhooks, how it signs them and how long it keeps retrying.</summary>
public sealed class WebhookOptions
{
    /// <summary>The receiving endpoint; none means events are recorded but not sent (settable at run time).</summary>
    public string? Url { get; set; }

    /// <summary>The HMAC-SHA256 signing secret shared with the receiver.</summary>
    public string Secret { get; set; } = "";

    /// <summary>
    /// A cap on attempts per delivery, the first included; none by default, since providers bound retries by time
    /// (<see cref="GiveUpAfter"/>), not by count. Tests set one to see a delivery given up quickly.
    /// </summary>
    public int MaxAttempts { get; set; } = int.MaxValue;

    /// <summary>
    /// Wait after the first failed attempt; doubles after each further failure, up to <see cref="MaxRetryDelay"/>. Any
    /// answer but a 2xx, and no answer at all, is a failure, as for Stripe.
    /// </summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(6);

    /// <summary>
    /// How long after the event a failing delivery is still retried; Stripe retries for three days. An outage of the
    /// receiver shorter than this delays the event and loses nothing.
    /// </summary>
    public TimeSpan GiveUpAfter { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// How many deliveries are in flight to the receiver at once; the rest wait their turn. Providers spread their
    /// deliveries: a burst of thousands of events at once, each answered late and so retried, would be a flood no
    /// provider sends.
    /// </summary>
    public int MaxConcurrentDeliveries { get; set; } = 32;

    /// <summary>How long one attempt may take before it counts as failed.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(10);
}
