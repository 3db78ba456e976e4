namespace Orchestration.Simulators.Tests.Infrastructure;

/// <param name="AnsweredWith">What the receiver answered (non-2xx makes the simulator retry).</param>
public sealed record ReceivedWebhook(IReadOnlyDictionary<string, string> Headers, string Body, int AnsweredWith)
{
    public JsonElement Json => JsonSerializer.Deserialize<JsonElement>(Body);
    public string EventId => Json.GetProperty("id").GetString()!;
    public string Type => Json.GetProperty("type").GetString()!;
    public string Header(string name) => Headers.TryGetValue(name, out var value) ? value : "";
}
