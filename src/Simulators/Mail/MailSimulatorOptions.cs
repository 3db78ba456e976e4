namespace Orchestration.Simulators.Mail;

/// <summary>Configuration section <c>Simulators:Mail</c>.</summary>
public sealed class MailSimulatorOptions() : ProviderSimulatorOptions("http://127.0.0.1:5093")
{
    /// <summary>The one API key accepted (<c>Authorization: Bearer</c>); a made-up test key.</summary>
    public string ApiKey { get; set; } = "SG.simulator";

    /// <summary>The <c>Retry-After</c> of a throttled answer unless the throttle control names another.</summary>
    public TimeSpan RetryAfter { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Reported in <c>X-RateLimit-Limit</c> with a throttled answer (SendGrid's documented Mail Send limit).</summary>
    public int RateLimit { get; set; } = 600;
}
