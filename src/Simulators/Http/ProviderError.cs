using System.Text.Json.Serialization;

namespace Orchestration.Simulators.Http;

/// <summary>
/// The error body of the e-signature and screening providers: <c>{"error":{"code":...,"message":...,"field":...}}</c>.
/// </summary>
internal sealed record ProviderError(
    string Code,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Field = null)
{
    public RecordedResponse ToResponse(int statusCode, bool replayable = true) =>
        RecordedResponse.Json(statusCode, new { error = this }, SimulatorJson.CamelCase, replayable);

    public static ProviderError Unauthorized(ApiKeyResult result) => result == ApiKeyResult.Missing
        ? new("unauthorized", "No API key: send it as 'Authorization: Bearer <key>'.")
        : new("unauthorized", "The API key is not valid.");

    public static ProviderError NotFound(string resource, string id) => new("not_found", $"No {resource} '{id}'.");

    public static ProviderError IdempotencyConflict(string key) =>
        new("idempotency_key_reused", $"The Idempotency-Key '{key}' was already used with a different request body.");

    public static ProviderError MalformedJson() => new("invalid_json", "The request body is not a JSON object.");

    /// <summary>Route filter answering 401 unless the request carries <paramref name="apiKey"/>.</summary>
    public static Func<EndpointFilterInvocationContext, EndpointFilterDelegate, ValueTask<object?>> RequireApiKey(string apiKey) =>
        async (context, next) =>
        {
            var result = ApiKeyCheck.Check(context.HttpContext.Request, apiKey);
            return result == ApiKeyResult.Valid
                ? await next(context)
                : Unauthorized(result).ToResponse(StatusCodes.Status401Unauthorized);
        };
}
