using Orchestration.Simulators.Webhooks;

namespace Orchestration.Simulators.ESignature;

/// <summary>Configuration section <c>Simulators:ESignature</c>.</summary>
public sealed class ESignatureSimulatorOptions
{
    public bool Enabled { get; set; } = true;

    public string Url { get; set; } = "http://127.0.0.1:5091";

    /// <summary>The one API key accepted (<c>Authorization: Bearer</c>); a made-up test key.</summary>
    public string ApiKey { get; set; } = "esign_test_simulator";

    /// <summary>Webhook endpoint, signing secret and retry policy; signed with <c>X-Signature</c>.</summary>
    public WebhookOptions Webhook { get; set; } = new() { Secret = "esign_whsec_simulator" };

    /// <summary>When set, the signer signs this long after the envelope is sent (or declines, when the address contains "decline").</summary>
    public TimeSpan? AutoSignAfter { get; set; }

    /// <summary>When set, the landlord countersigns this long after the signer signed.</summary>
    public TimeSpan? AutoCountersignAfter { get; set; }
}
