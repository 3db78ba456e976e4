namespace Orchestration.EndToEnd.Tests.Infrastructure;

/// <summary>The Gateway's REST API as a signed-in member of staff uses it: a session cookie and the CSRF header.</summary>
public sealed class StaffClient : IDisposable
{
    readonly HttpClient _http;

    StaffClient(HttpClient http) => _http = http;

    public static async Task<StaffClient> SignInAsync(Uri gateway, string email, string password)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() })
        {
            BaseAddress = gateway,
            Timeout = TimeSpan.FromSeconds(30),
        };
        http.DefaultRequestHeaders.Add("X-Requested-With", "XMLHttpRequest");
        var response = await http.PostAsJsonAsync("/api/auth/login", new { email, password });
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var body = await response.Content.ReadAsStringAsync();
            http.Dispose();
            throw new ShouldAssertException($"Signing in as {email} answered {(int)response.StatusCode}: {body}");
        }

        return new StaffClient(http);
    }

    /// <summary>POSTs <paramref name="body"/> and returns the JSON answer, which must come with <paramref name="expected"/>.</summary>
    public async Task<JsonElement> PostAsync(string path, object body, HttpStatusCode expected)
    {
        var response = await _http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, $"POST {path} answered: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement?> GetAsync(string path)
    {
        var response = await _http.GetAsync(path);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    public void Dispose() => _http.Dispose();
}
