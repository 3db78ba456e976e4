using System.Net.Http.Json;
using System.Text.Json;
using Orchestration.Simulators.Hosting;

namespace Orchestration.Maintenance.Tests.Infrastructure;

/// <summary>The vendor simulator on a port of its own, calling back the endpoint under test's vendor API.</summary>
public sealed class VendorSimulator : IAsyncDisposable
{
    readonly RunningSimulators _simulators;

    VendorSimulator(RunningSimulators simulators)
    {
        _simulators = simulators;
        Controls = new HttpClient { BaseAddress = simulators.Vendors };
    }

    public HttpClient Controls { get; }

    public Uri BaseUrl => _simulators.Vendors!;

    public static async Task<VendorSimulator> StartAsync(Uri? platformApi = null)
    {
        var options = new SimulatorOptions();
        options.Payments.Enabled = options.ESignature.Enabled = options.Screening.Enabled = options.Mail.Enabled = false;
        options.Vendors.Enabled = true;
        options.Vendors.Url = "http://127.0.0.1:0";
        options.Vendors.PlatformApiUrl = platformApi?.ToString();
        return new VendorSimulator(await SimulatorHost.StartAsync(options, CancellationToken.None));
    }

    /// <summary>Registers a vendor whose callback is this simulator, sets it up there with the same secret, and issues its API key.</summary>
    public async Task<(Guid VendorId, string Name, string ApiKey)> VendorAsync(InProcessEndpoint maintenance, string area, string behaviour = "Ignore",
        int preference = 1)
    {
        var name = $"vendor-{Guid.NewGuid():N}";
        var secret = $"whsec_{Guid.NewGuid():N}";
        var vendorId = await maintenance.WriteAsync((registry, session) => registry.RegisterAsync(session, new NewVendor(
            name, ["plumbing"], [area], new Uri(BaseUrl, $"vendors/{name}/webhooks"), secret, RegistryAccess.Today.AddYears(1), preference),
            DateTimeOffset.UtcNow, CancellationToken.None));
        var key = await maintenance.WriteAsync((registry, session) => registry.IssueApiKeyAsync(session, vendorId, DateTimeOffset.UtcNow, CancellationToken.None));
        (await Controls.PutAsJsonAsync($"_sim/vendors/{name}", new { signingSecret = secret, apiKey = key.Key, behaviour })).EnsureSuccessStatusCode();
        return (vendorId, name, key.Key);
    }

    public async Task<JsonElement> EventsAsync(string name) => await Controls.GetFromJsonAsync<JsonElement>($"_sim/vendors/{name}/events");

    public async ValueTask DisposeAsync()
    {
        Controls.Dispose();
        await _simulators.DisposeAsync();
    }
}
