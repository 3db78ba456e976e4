namespace Orchestration.Simulators.Hosting;

/// <summary>What every simulator is configured with: whether it runs, and the loopback URL it listens on.</summary>
public abstract class ProviderSimulatorOptions
{
    protected ProviderSimulatorOptions(string url) => Url = url;

    public bool Enabled { get; set; } = true;

    public string Url { get; set; }
}

/// <summary>A simulator that reports changes by signed webhook: where to, signed how, retried how long.</summary>
public abstract class WebhookSimulatorOptions : ProviderSimulatorOptions
{
    protected WebhookSimulatorOptions(string url, string webhookSecret)
        : base(url) => Webhook = new() { Secret = webhookSecret };

    public WebhookOptions Webhook { get; set; }
}
