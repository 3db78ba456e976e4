namespace Orchestration.Endpoints.Gateway.Webhooks;

public sealed class WebhookOptions : IValidatableOptions
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

    /// <summary>
    /// Correctly signed deliveries, one budget per provider whatever address they come from. A rent run's autopay sends at
    /// least one payment event per lease, so the default lets 10,000 leases' events through in under two minutes.
    /// </summary>
    public WebhookRateLimit RateLimit { get; set; } = new() { PermitLimit = 6_000 };

    /// <summary>
    /// Deliveries refused (no or a wrong signature, stale), per remote address: past it they get 429 instead of 400 and
    /// are no longer logged one by one. They never use up <see cref="RateLimit"/>.
    /// </summary>
    public WebhookRateLimit RefusedRateLimit { get; set; } = new() { PermitLimit = 60 };

    /// <summary>Start-up checks: a Gateway that cannot verify a provider's signatures must not take its deliveries.</summary>
    public IEnumerable<string> Problems()
    {
        foreach (var (name, secret) in new[] { ("Payments", Payments), ("ESignature", ESignature), ("Screening", Screening) })
        {
            if (string.IsNullOrWhiteSpace(secret.Secret))
                yield return $"{Section}:{name}:Secret is required (set it from the environment: Gateway__Webhooks__{name}__Secret).";
        }

        if (Tolerance <= TimeSpan.Zero)
            yield return $"{Section}:Tolerance must be positive.";
        foreach (var (name, limit) in new[] { ("RateLimit", RateLimit), ("RefusedRateLimit", RefusedRateLimit) })
        {
            if (limit.PermitLimit < 1 || limit.Window <= TimeSpan.Zero)
                yield return $"{Section}:{name} needs a PermitLimit of at least 1 and a positive Window.";
        }
    }
}

public sealed class WebhookSecret
{
    public string Secret { get; set; } = "";
}

/// <summary>A fixed window; providers retry a 429 later, so a generous limit only stops floods.</summary>
public sealed class WebhookRateLimit
{
    public int PermitLimit { get; set; } = 600;
    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
