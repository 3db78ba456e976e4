using Orchestration.Simulators.Webhooks;

namespace Orchestration.Simulators.Tests.Infrastructure;

/// <summary>Starts real simulators on free loopback ports, with retries and delays short enough for tests.</summary>
internal static class TestSimulators
{
    public static Task<RunningSimulators> StartAsync(Action<SimulatorOptions> configure)
    {
        var options = new SimulatorOptions();
        options.Payments.Url = options.ESignature.Url = options.Screening.Url = options.Mail.Url = "http://127.0.0.1:0";
        options.Payments.Enabled = options.ESignature.Enabled = options.Screening.Enabled = options.Mail.Enabled = false;
        foreach (var webhook in new[] { options.Payments.Webhook, options.ESignature.Webhook, options.Screening.Webhook })
            Quick(webhook);
        options.Screening.DecisionDelay = TimeSpan.Zero;
        configure(options);
        return SimulatorHost.StartAsync(options, CancellationToken.None);
    }

    static void Quick(WebhookOptions webhook)
    {
        webhook.MaxAttempts = 6;
        webhook.FirstRetryDelay = TimeSpan.FromMilliseconds(50);
        webhook.MaxRetryDelay = TimeSpan.FromMilliseconds(400);
        webhook.Timeout = TimeSpan.FromSeconds(5);
    }

    public static HttpClient Client(Uri baseUrl, string? apiKey = null)
    {
        var client = new HttpClient { BaseAddress = baseUrl, Timeout = TimeSpan.FromSeconds(10) };
        if (apiKey is not null)
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }
}
