using System.Text.Json;

namespace Orchestration.Simulators.Http;

/// <summary>
/// Reads a JSON request body as bytes first: the idempotency fingerprint is taken over exactly what was sent, and a
/// malformed body becomes the provider's 400 rather than a framework error.
/// </summary>
internal static class JsonBody
{
    public static async Task<byte[]> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }

    public static T? Parse<T>(byte[] body, JsonSerializerOptions options) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(body, options);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
