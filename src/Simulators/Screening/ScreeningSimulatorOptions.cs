using Orchestration.Simulators.Webhooks;

namespace Orchestration.Simulators.Screening;

/// <summary>Configuration section <c>Simulators:Screening</c>.</summary>
public sealed class ScreeningSimulatorOptions
{
    public bool Enabled { get; set; } = true;

    public string Url { get; set; } = "http://127.0.0.1:5092";

    /// <summary>The one API key accepted (<c>Authorization: Bearer</c>); a made-up test key.</summary>
    public string ApiKey { get; set; } = "screening_test_simulator";

    /// <summary>Webhook endpoint, signing secret and retry policy; signed with <c>X-Signature</c>.</summary>
    public WebhookOptions Webhook { get; set; } = new() { Secret = "screening_whsec_simulator" };

    /// <summary>How long after the request the decision is made and its webhook sent.</summary>
    public TimeSpan DecisionDelay { get; set; } = TimeSpan.FromSeconds(2);
}
