using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orchestration.Testing;

/// <summary>Calls to a running provider simulator (payments, e-signature, screening): its API and its test controls.</summary>
public static class SimulatorApi
{
    /// <summary>A client for a simulator's API, with its key as the bearer token.</summary>
    public static HttpClient Client(Uri baseUrl, string apiKey) => new()
    {
        BaseAddress = baseUrl,
        DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", apiKey) },
    };

    /// <summary>The webhook events of a type the simulator has raised that mention the text (a lease id or reference).</summary>
    public static async Task<List<JsonElement>> EventsAsync(HttpClient simulator, string type, string mentioning) =>
        (await simulator.GetFromJsonAsync<List<JsonElement>>($"_sim/webhooks/events?type={type}"))!
            .Where(e => e.GetProperty("payload").GetRawText().Contains(mentioning, StringComparison.Ordinal))
            .ToList();
}
