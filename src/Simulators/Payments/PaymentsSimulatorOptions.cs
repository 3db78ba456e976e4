using Orchestration.Simulators.Webhooks;

namespace Orchestration.Simulators.Payments;

/// <summary>Configuration section <c>Simulators:Payments</c>.</summary>
public sealed class PaymentsSimulatorOptions
{
    public bool Enabled { get; set; } = true;

    public string Url { get; set; } = "http://127.0.0.1:5090";

    /// <summary>The one API key accepted. A made-up test key: this simulator moves no money.</summary>
    public string SecretKey { get; set; } = "sk_test_simulator";

    /// <summary>Webhook endpoint, signing secret (<c>whsec_...</c>) and retry policy; signed with <c>Stripe-Signature</c>.</summary>
    public WebhookOptions Webhook { get; set; } = new() { Secret = "whsec_simulator" };

    /// <summary>
    /// Zero: a confirmed payment settles before the response, as card payments do. Positive: it answers
    /// <c>processing</c> and settles this much later, as bank debits do.
    /// </summary>
    public TimeSpan SettlementDelay { get; set; } = TimeSpan.Zero;
}
