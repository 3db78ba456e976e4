using System.Text.Json;

namespace Orchestration.Simulators.Http;

/// <summary>
/// A response kept as bytes, so that a replayed idempotent request gets exactly what the first one got.
/// </summary>
/// <param name="Replayable">
/// False for a request rejected before it did anything (validation): like Stripe, such a result is not kept, and
/// the key may be used again with corrected parameters.
/// </param>
internal sealed record RecordedResponse(int StatusCode, string? ContentType, byte[] Body, bool Replayable = true) : IResult
{
    public static RecordedResponse Json<T>(int statusCode, T value, JsonSerializerOptions options, bool replayable = true) =>
        new(statusCode, "application/json; charset=utf-8", JsonSerializer.SerializeToUtf8Bytes(value, options), replayable);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        if (ContentType is not null)
            response.ContentType = ContentType;
        response.ContentLength = Body.Length;
        await response.Body.WriteAsync(Body, httpContext.RequestAborted);
    }
}
