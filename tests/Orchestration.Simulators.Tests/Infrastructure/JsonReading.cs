namespace Orchestration.Simulators.Tests.Infrastructure;

internal static class JsonReading
{
    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>The value at a dotted path (<c>data.object.id</c>), numbers as their JSON text.</summary>
    public static string Text(this JsonElement element, string path)
    {
        foreach (var name in path.Split('.'))
            element = element.GetProperty(name);
        return element.ValueKind == JsonValueKind.Number ? element.GetRawText() : element.GetString()!;
    }

    public static bool IsNull(this JsonElement element, string name) => element.GetProperty(name).ValueKind == JsonValueKind.Null;
}
