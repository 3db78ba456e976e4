namespace Orchestration.Endpoints.Billing;

/// <summary>The payment gateway Billing charges through (<c>Billing:Payments</c>).</summary>
public sealed class BillingOptions : IValidatableOptions
{
    public const string Section = "Billing";

    public PaymentGatewayOptions Payments { get; set; } = new();

    /// <summary>Startup checks; a gateway without a URL or key stops the endpoint before it takes a message.</summary>
    public IEnumerable<string> Problems() => Payments.Problems("Billing:Payments");
}

public sealed class PaymentGatewayOptions
{
    public string BaseUrl { get; set; } = "http://127.0.0.1:5090";

    /// <summary>Stripe.net's API key, sent as a bearer token. From the environment or a secret store; never logged.</summary>
    public string SecretKey { get; set; } = "";

    /// <summary>The payment method confirmed with each move-in intent (a saved card's <c>pm_...</c>).</summary>
    public string PaymentMethod { get; set; } = "pm_card_visa";

    /// <summary>
    /// The gateway's hosted payment page; an intent's page is this URL followed by <c>/</c> and the intent's client
    /// secret, which is what makes the link unguessable. Empty: <see cref="BaseUrl"/> followed by <c>/pay</c>.
    /// </summary>
    public string PaymentPageUrl { get; set; } = "";

    /// <summary>The hosted page where the tenant pays the intent with the given client secret.</summary>
    public string PaymentPageFor(string clientSecret) =>
        $"{(PaymentPageUrl.Length > 0 ? PaymentPageUrl : BaseUrl.TrimEnd('/') + "/pay").TrimEnd('/')}/{Uri.EscapeDataString(clientSecret)}";

    /// <summary>Time allowed for one call; past it the call fails and the recoverability policy retries it.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Stripe.net's own retries of one call (connection failures, timeouts, 409 and 5xx), under the call's idempotency key
    /// and with its backoff; past them the call fails and the recoverability policy retries the message.
    /// </summary>
    public int MaxNetworkRetries { get; set; } = 2;

    public IEnumerable<string> Problems(string section)
    {
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out _))
            yield return $"{section}:BaseUrl '{BaseUrl}' is not an absolute URL.";
        if (PaymentPageUrl.Length > 0 && !(Uri.TryCreate(PaymentPageUrl, UriKind.Absolute, out var page) && (page.Scheme == Uri.UriSchemeHttps || page.Scheme == Uri.UriSchemeHttp)))
            yield return $"{section}:PaymentPageUrl '{PaymentPageUrl}' is not an absolute http(s) URL.";
        if (string.IsNullOrWhiteSpace(SecretKey))
            yield return $"{section}:SecretKey is required (set it from the environment: {section.Replace(":", "__", StringComparison.Ordinal)}__SecretKey).";
        else if (SecretKey.Any(char.IsWhiteSpace))
            yield return $"{section}:SecretKey must not contain whitespace.";
        if (!PaymentMethod.StartsWith("pm_", StringComparison.Ordinal))
            yield return $"{section}:PaymentMethod '{PaymentMethod}' is not a payment method id (pm_...).";
        if (Timeout <= TimeSpan.Zero)
            yield return $"{section}:Timeout must be positive.";
        if (MaxNetworkRetries is < 0 or > 10)
            yield return $"{section}:MaxNetworkRetries must be between 0 and 10.";
    }
}
