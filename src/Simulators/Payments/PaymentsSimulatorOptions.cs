namespace Orchestration.Simulators.Payments;

/// <summary>
/// Configuration section <c>Simulators:Payments</c>; its webhooks are signed with <c>Stripe-Signature</c> and a
/// <c>whsec_...</c> secret.
/// </summary>
public sealed class PaymentsSimulatorOptions()
    : WebhookSimulatorOptions("http://127.0.0.1:5090", "whsec_simulator")
{
    /// <summary>The one API key accepted. A made-up test key: this simulator moves no money.</summary>
    public string SecretKey { get; set; } = "sk_test_simulator";

    /// <summary>
    /// Zero: a confirmed payment settles before the response, as card payments do. Positive: it answers
    /// <c>processing</c> and settles this much later, as bank debits do.
    /// </summary>
    public TimeSpan SettlementDelay { get; set; } = TimeSpan.Zero;
}
