namespace Orchestration.Simulators.Http;

/// <summary>How the e-signature and screening providers take a create request.</summary>
internal static class ProviderRequests
{
    /// <summary>
    /// Reads the JSON body and runs <paramref name="create"/> once per <c>Idempotency-Key</c>: a repeat with the same
    /// body replays the first answer, a repeat with another body is a 409. Malformed and invalid bodies are 400s that
    /// are not kept, so the key can be used again once the request is corrected.
    /// </summary>
    public static async Task<IResult> CreateAsync<TRequest>(
        HttpContext http, IdempotencyStore idempotency, Func<TRequest, RecordedResponse> create) where TRequest : class
    {
        var body = await JsonBody.ReadAsync(http.Request, http.RequestAborted);
        return await idempotency.RespondAsync(
            http,
            IdempotencyStore.Fingerprint(http.Request.Method, http.Request.Path, body),
            () => JsonBody.Parse<TRequest>(body, SimulatorJson.CamelCase) is { } request
                ? create(request)
                : ProviderError.MalformedJson().ToResponse(StatusCodes.Status400BadRequest, replayable: false),
            key => ProviderError.IdempotencyConflict(key).ToResponse(StatusCodes.Status409Conflict, replayable: false));
    }

    public static RecordedResponse Invalid(ProviderError error) => error.ToResponse(StatusCodes.Status400BadRequest, replayable: false);

    /// <summary>The simulator's own base URL as the caller reached it, for links it hands out.</summary>
    public static Uri BaseUrl(HttpRequest request) => new($"{request.Scheme}://{request.Host}/");
}
