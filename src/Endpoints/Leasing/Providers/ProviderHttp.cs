using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Polly;

namespace Orchestration.Endpoints.Leasing.Providers;

/// <summary>
/// One call to a provider's JSON API, as both Leasing clients make it: bearer key, <c>Idempotency-Key</c>, and the
/// failure split the recoverability policy works from. The client's resilience handler has already retried what it
/// could; a 5xx, 408, 429, a dropped connection or a timeout left after it is <see cref="ProviderUnavailableException"/>
/// (retried later by the recoverability policy); any other 4xx is <see cref="ProviderRejectedException"/>
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
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiKey);
    }

    public static Task<T> GetAsync<T>(HttpClient http, string provider, string path, CancellationToken cancellationToken) =>
        SendAsync<T>(http, provider, new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    /// <summary>
    /// A POST always carries its <c>Idempotency-Key</c>: the client's resilience handler may send it more than once (a 5xx
    /// or a timeout can hide a request the provider did carry out), and the key makes every repeat answer as the first.
    /// </summary>
    public static Task<T> PostAsync<T>(HttpClient http, string provider, string path, object? body, string idempotencyKey,
        CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        var request = new HttpRequestMessage(HttpMethod.Post, path);
        if (body is not null)
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        request.Headers.Add("Idempotency-Key", idempotencyKey);
        return SendAsync<T>(http, provider, request, cancellationToken);
    }

    static async Task<T> SendAsync<T>(HttpClient http, string provider, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var _ = request;
        var call = $"{request.Method} {request.RequestUri}";
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw new ProviderUnavailableException(provider, $"{call}: {exception.HttpRequestError}", exception);
        }
        catch (ExecutionRejectedException exception)
        {
            // The total timeout ran out, or the circuit breaker is open after repeated failures.
            throw new ProviderUnavailableException(provider, $"{call}: {exception.Message}", exception);
        }
        catch (TaskCanceledException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProviderUnavailableException(provider, $"{call}: no answer in time", exception);
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
                return JsonSerializer.Deserialize<T>(text, Json) ?? throw new ProviderUnavailableException(provider, $"{call}: empty answer");

            var status = (int)response.StatusCode;
            if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
                throw new ProviderUnavailableException(provider, $"{call}: {status} {response.StatusCode}");

            var error = Error(text);
            throw new ProviderRejectedException(provider, status, error?.Code, $"{call}: {status} {error?.Message ?? Truncated(text)}");
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
