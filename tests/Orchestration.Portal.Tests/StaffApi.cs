namespace Orchestration.Portal.Tests;

/// <summary>The staff API with a signed-in cookie and the anti-forgery header, as the portal itself calls it.</summary>
public sealed class StaffApi : IDisposable
{
    readonly HttpClient _http;

    StaffApi(HttpClient http) => _http = http;

    public static async Task<StaffApi> SignInAsync(Uri gateway, string email, string password)
    {
        var http = new HttpClient(new HttpClientHandler { CookieContainer = new CookieContainer() }) { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("X-Requested-With", "XMLHttpRequest");
        var response = await http.PostAsJsonAsync("/api/auth/login", new { email, password });
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return new StaffApi(http);
    }

    public async Task<JsonElement> PostAsync(string path, object body, HttpStatusCode expected)
    {
        var response = await _http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(expected, text);
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public async Task<JsonElement> GetAsync(string path) => await _http.GetFromJsonAsync<JsonElement>(path);

    /// <summary>A vacant unit of the demo data: the standalone host adds its properties and units on a new database.</summary>
    public async Task<(Guid PropertyId, Guid UnitId)> VacantUnitAsync()
    {
        var (property, unit) = await VacantUnitRecordAsync();
        return (property.GetProperty("propertyId").GetGuid(), unit.GetProperty("unitId").GetGuid());
    }

    /// <summary>A vacant unit and its property, as the API lists them (names and labels as the portal shows them).</summary>
    public async Task<(JsonElement Property, JsonElement Unit)> VacantUnitRecordAsync()
    {
        foreach (var property in (await GetAsync("/api/properties?limit=200")).GetProperty("items").EnumerateArray())
        {
            var propertyId = property.GetProperty("propertyId").GetGuid();
            foreach (var unit in (await GetAsync($"/api/properties/{propertyId}/units")).EnumerateArray())
                if (unit.GetProperty("status").GetString() == "vacant")
                    return (property, unit);
        }

        throw new InvalidOperationException("No vacant unit is left in the demo data.");
    }

    /// <summary>Applies for a vacant unit, starting today; answers the new lease's id.</summary>
    public async Task<Guid> ApplyAsync()
    {
        var (propertyId, unitId) = await VacantUnitAsync();
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var accepted = await PostAsync("/api/lease-applications", new
        {
            propertyId, unitId, applicantName = "Grace Hopper", applicantEmail = $"grace.{Guid.NewGuid():N}@example.com",
            monthlyRent = 1500m, securityDeposit = 500m, currency = "USD",
            leaseStart = today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), leaseEnd = today.AddYears(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }, HttpStatusCode.Accepted);
        return accepted.GetProperty("leaseId").GetGuid();
    }

    /// <summary>Applies for a vacant unit, starting today, and waits until the lease is Active.</summary>
    public async Task<Guid> ActiveLeaseAsync()
    {
        var leaseId = await ApplyAsync();
        await Eventually.HoldsAsync(async () => (await GetAsync($"/api/leases/{leaseId}")).GetProperty("state").GetString() == "Active",
            TimeSpan.FromSeconds(60), "the lease became Active");
        return leaseId;
    }

    public void Dispose() => _http.Dispose();
}
