namespace Orchestration.Endpoints.Gateway.Webhooks;

public sealed class WebhookOptions
{
    public const string Section = "Gateway:Webhooks";

    /// <summary>How far a signature's timestamp may be from now before the delivery is taken as a replay.</summary>
    public TimeSpan Tolerance { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a receipt (event id and body) is kept. While it is kept, a redelivery of the event is recognised and
    /// causes nothing; providers stop retrying long before (Stripe after three days), so this is a margin, not a need.
    /// </summary>
    public TimeSpan ReceiptRetention { get; set; } = TimeSpan.FromDays(30);

    public WebhookSecret Payments { get; set; } = new();
    public WebhookSecret ESignature { get; set; } = new();
    public WebhookSecret Screening { get; set; } = new();
    public WebhookRateLimit RateLimit { get; set; } = new();
}

public sealed class WebhookSecret
{
    public string Secret { get; set; } = "";
}

/// <summary>A fixed window per remote address; providers retry a 429 later, so a generous limit only stops floods.</summary>
public sealed class WebhookRateLimit
{
    public int PermitLimit { get; set; } = 600;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
