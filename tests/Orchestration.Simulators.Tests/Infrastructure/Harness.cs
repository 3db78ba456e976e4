namespace Orchestration.Simulators.Tests.Infrastructure;

/// <summary>
/// The simulators a test needs, started as real HTTP servers, with a real webhook receiver they post to and an
/// authenticated client per simulator (the test controls under <c>/_sim</c> need no key, so the same clients serve).
/// </summary>
public sealed class Harness : IAsyncDisposable
{
    readonly List<HttpClient> clients = [];

    Harness(SimulatorOptions options, RunningSimulators simulators, WebhookReceiver receiver)
    {
        Options = options;
        Simulators = simulators;
        Receiver = receiver;
        Payments = Track(simulators.Payments, options.Payments.SecretKey);
        ESignature = Track(simulators.ESignature, options.ESignature.ApiKey);
        Screening = Track(simulators.Screening, options.Screening.ApiKey);
        Mail = Track(simulators.Mail, options.Mail.ApiKey);
    }

    public SimulatorOptions Options { get; }
    public RunningSimulators Simulators { get; }
    public WebhookReceiver Receiver { get; }
    public HttpClient Payments { get; }
    public HttpClient ESignature { get; }
    public HttpClient Screening { get; }
    public HttpClient Mail { get; }

    /// <param name="configure">Enable the simulators the test needs; every webhook already points at <see cref="Receiver"/>.</param>
    public static async Task<Harness> StartAsync(Action<SimulatorOptions> configure)
    {
        var receiver = await WebhookReceiver.StartAsync();
        SimulatorOptions? used = null;
        var simulators = await TestSimulators.StartAsync(options =>
        {
            options.Payments.Webhook.Url = options.ESignature.Webhook.Url = options.Screening.Webhook.Url = receiver.Url.ToString();
            configure(options);
            used = options;
        });
        return new Harness(used!, simulators, receiver);
    }

    /// <summary>What the simulator behind <paramref name="client"/> says it sent (<c>GET /_sim/webhooks/events</c>).</summary>
    public static async Task<JsonElement[]> SentEventsAsync(HttpClient client) =>
        [.. (await client.GetFromJsonAsync<JsonElement>("/_sim/webhooks/events")).EnumerateArray()];

    HttpClient Track(Uri? baseUrl, string apiKey)
    {
        var client = TestSimulators.Client(baseUrl ?? new Uri("http://127.0.0.1:9/"), apiKey);
        clients.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
            client.Dispose();
        await Simulators.DisposeAsync();
        await Receiver.DisposeAsync();
    }
}
