namespace Orchestration.Simulators.Screening;

/// <summary>Configuration section <c>Simulators:Screening</c>; its webhooks are signed with <c>X-Signature</c>.</summary>
public sealed class ScreeningSimulatorOptions()
    : WebhookSimulatorOptions("http://127.0.0.1:5092", "screening_whsec_simulator")
{
    /// <summary>The one API key accepted (<c>Authorization: Bearer</c>); a made-up test key.</summary>
    public string ApiKey { get; set; } = "screening_test_simulator";

    /// <summary>How long after the request the decision is made and its webhook sent.</summary>
    public TimeSpan DecisionDelay { get; set; } = TimeSpan.FromSeconds(2);
}
