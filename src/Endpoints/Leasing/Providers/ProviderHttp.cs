using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Orchestration.Endpoints.Leasing.Providers;

/// <summary>
/// One call to a provider's JSON API, as both Leasing clients make it: bearer key, <c>Idempotency-Key</c>, and the
/// failure split the recoverability policy works from. A 5xx, 408, 429, a dropped connection or a timeout is
/// <see cref="ProviderUnavailableException"/> (retried); any other 4xx is <see cref="ProviderRejectedException"/>
/// (unrecoverable: the same request would be refused again).
/// </summary>
static class ProviderHttp
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    public static void Configure(HttpClient client, ProviderOptions settings)
    {
        client.BaseAddress = new Uri(settings.BaseUrl.TrimEnd('/') + "/");
        client.Timeout = settings.Timeout;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
    }

    public static async Task<T> SendAsync<T>(HttpClient http, string provider, HttpMethod method, string path, object? body, string? idempotencyKey,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);

        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new ProviderUnavailableException(provider, $"{method} {path}: {exception.HttpRequestError}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProviderUnavailableException(provider, $"{method} {path}: no answer within {http.Timeout}", exception);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
                return JsonSerializer.Deserialize<T>(text, Json) ?? throw new ProviderUnavailableException(provider, $"{method} {path}: empty answer");

            var status = (int)response.StatusCode;
            if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
                throw new ProviderUnavailableException(provider, $"{method} {path}: {status} {response.StatusCode}");

            var error = Error(text);
            throw new ProviderRejectedException(provider, status, error?.Code, $"{method} {path}: {status} {error?.Message ?? Truncated(text)}");
        }
    }

    /// <summary>The providers' <c>{"error":{"code","message","field"}}</c>; null when the body is not that.</summary>
    static ErrorBody? Error(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<ErrorResponse>(text, Json)?.Error;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    static string Truncated(string text) => text.Length > 500 ? text[..500] : text;

    sealed record ErrorResponse(ErrorBody? Error);

    sealed record ErrorBody(string? Code, string? Message, string? Field);
}
