using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace Orchestration.Endpoints.Gateway.Portal;

/// <summary>
/// The staff API as a page calls it: from the browser (<c>wwwroot/portal.js</c>), with the user's cookie and the
/// anti-forgery header, so every read and action passes the same policies, body limits and validation as any other
/// client. An answer that is not a success becomes a <see cref="PortalApiException"/> carrying the problem's title,
/// detail and field errors; <see cref="TryAsync"/> shows it in the snackbar. A 401 (the session ended) goes back to sign-in.
/// </summary>
public sealed class PortalApi(IJSRuntime js, NavigationManager navigation, ISnackbar snackbar)
{
    static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    IJSObjectReference? _module;
    TimeZoneInfo? _zone;

    public async Task<T> GetAsync<T>(string url) => Read<T>(await CallAsync("GET", url, null));

    /// <summary>A POST; with <paramref name="idempotencyKey"/>, a repeat of the same form (a double click, a retry) creates nothing twice.</summary>
    public async Task<T> PostAsync<T>(string url, object? body, string? idempotencyKey = null) =>
        Read<T>(await CallAsync("POST", url, body, idempotencyKey));

    public async Task SendAsync(string method, string url, object? body = null) => await CallAsync(method, url, body);

    /// <summary>A PUT (or another method) whose answer has a body.</summary>
    public async Task<T> SendJsonAsync<T>(string method, string url, object body) => Read<T>(await CallAsync(method, url, body));

    /// <summary>Runs a call; a refusal or failure is shown in the snackbar and answered <c>false</c>.</summary>
    public async Task<bool> TryAsync(Func<Task> call)
    {
        try
        {
            await call();
            return true;
        }
        catch (PortalApiException problem)
        {
            snackbar.Add(problem.Message, Severity.Error);
            return false;
        }
    }

    /// <summary>The user's time zone, as the browser reports it; UTC when it names one this server does not know.</summary>
    public async Task<TimeZoneInfo> ZoneAsync()
    {
        if (_zone is not null)
            return _zone;
        var id = await (await ModuleAsync()).InvokeAsync<string>("timeZone");
        _zone = TimeZoneInfo.TryFindSystemTimeZoneById(id, out var zone) ? zone : TimeZoneInfo.Utc;
        return _zone;
    }

    /// <summary>A time as the user reads it: in their zone, with the zone's abbreviation-free offset.</summary>
    public string Local(DateTimeOffset? time) =>
        time is { } t ? TimeZoneInfo.ConvertTime(t, _zone ?? TimeZoneInfo.Utc).ToString("yyyy-MM-dd HH:mm:ss zzz", System.Globalization.CultureInfo.InvariantCulture) : "";

    /// <summary>A time in the user's zone in a format of one's choosing, such as a chart's axis labels.</summary>
    public string Local(DateTimeOffset time, string format) =>
        TimeZoneInfo.ConvertTime(time, _zone ?? TimeZoneInfo.Utc).ToString(format, System.Globalization.CultureInfo.InvariantCulture);

    async Task<Answer> CallAsync(string method, string url, object? body, string? idempotencyKey = null)
    {
        var module = await ModuleAsync();
        var answer = await module.InvokeAsync<Answer>("call", method, url, body is null ? null : JsonSerializer.Serialize(body, Json),
            idempotencyKey);
        if (answer.Status is >= 200 and < 300)
            return answer;
        if (answer.Status == StatusCodes.Status401Unauthorized && !url.StartsWith("/api/auth/login", StringComparison.Ordinal))
            navigation.NavigateTo("/signin", forceLoad: true);
        throw PortalApiException.From(answer.Status, answer.Body);
    }

    async Task<IJSObjectReference> ModuleAsync() => _module ??= await js.InvokeAsync<IJSObjectReference>("import", "/portal.js");

    static T Read<T>(Answer answer) => JsonSerializer.Deserialize<T>(answer.Body, Json)
        ?? throw new PortalApiException(answer.Status, "The API answered with an empty body.");

    sealed record Answer(int Status, string Body);
}

/// <summary>An API answer that is not a success, worded for the user: the problem's title, detail and field errors.</summary>
public sealed class PortalApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;

    /// <summary>The problem's field errors by field name (as the API names them, such as <c>marketRent.amount</c>), for a form to show beside its fields.</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; private init; } = new Dictionary<string, string[]>();

    public static PortalApiException From(int status, string body)
    {
        if (status == 0)
            return new(status, $"The Gateway could not be reached: {body}");
        try
        {
            using var problem = JsonDocument.Parse(body);
            var root = problem.RootElement;
            var text = new List<string>();
            if (root.TryGetProperty("title", out var title))
                text.Add(title.GetString() ?? "");
            if (root.TryGetProperty("detail", out var detail))
                text.Add(detail.GetString() ?? "");
            var fields = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            if (root.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object)
            {
                text.AddRange(errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(m => $"{e.Name}: {m.GetString()}")));
                foreach (var field in errors.EnumerateObject().Where(e => e.Value.ValueKind == JsonValueKind.Array))
                    fields[field.Name] = [.. field.Value.EnumerateArray().Select(m => m.GetString() ?? "")];
            }

            return new(status, $"{status}: {string.Join(" — ", text.Where(t => t.Length > 0))}") { Errors = fields };
        }
        catch (JsonException)
        {
            return new(status, $"{status}: the request was refused.");
        }
    }
}
