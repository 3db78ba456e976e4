namespace Orchestration.Simulators.ESignature;

/// <summary>Configuration section <c>Simulators:ESignature</c>; its webhooks are signed with <c>X-Signature</c>.</summary>
public sealed class ESignatureSimulatorOptions()
    : WebhookSimulatorOptions("http://127.0.0.1:5091", "esign_whsec_simulator")
{
    /// <summary>The one API key accepted (<c>Authorization: Bearer</c>); a made-up test key.</summary>
    public string ApiKey { get; set; } = "esign_test_simulator";

    /// <summary>When set, the signer signs this long after the envelope is sent (or declines, when the address contains "decline").</summary>
    public TimeSpan? AutoSignAfter { get; set; }

    /// <summary>When set, the landlord countersigns this long after the signer signed.</summary>
    public TimeSpan? AutoCountersignAfter { get; set; }
}
