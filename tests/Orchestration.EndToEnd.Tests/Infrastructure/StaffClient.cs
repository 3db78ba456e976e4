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

    /// <summary>Creates a property in the US and returns its id.</summary>
    public async Task<Guid> CreatePropertyAsync(string name, string addressLine1, string city, string region, string postalCode) =>
        (await PostAsync("/api/properties", new { name, addressLine1, city, region, postalCode, country = "US" }, HttpStatusCode.Created))
        .GetProperty("propertyId").GetGuid();

    /// <summary>Creates a unit with one bathroom let at 1,850 USD a month and returns its id.</summary>
    public async Task<Guid> CreateUnitAsync(Guid propertyId, string label, int bedrooms, int squareFeet) =>
        (await PostAsync($"/api/properties/{propertyId}/units", new
        {
            label,
            bedrooms,
            bathrooms = 1,
            squareFeet,
            marketRent = new { amount = 1850.00m, currency = "USD" },
        }, HttpStatusCode.Created)).GetProperty("unitId").GetGuid();

    /// <summary>Applies for a year's lease of the unit from the first of next month at its market rent, and returns the lease's id.</summary>
    public async Task<Guid> ApplyForLeaseAsync(Guid propertyId, Guid unitId, string applicantName, string applicantEmail) =>
        (await PostAsync("/api/lease-applications", new
        {
            propertyId,
            unitId,
            applicantName,
            applicantEmail,
            monthlyRent = 1850.00m,
            securityDeposit = 1850.00m,
            currency = "USD",
            leaseStart = LeaseTerm.Start,
            leaseEnd = LeaseTerm.End,
        }, HttpStatusCode.Accepted)).GetProperty("leaseId").GetGuid();

    public async Task<JsonElement?> GetAsync(string path)
    {
        var response = await _http.GetAsync(path);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    public void Dispose() => _http.Dispose();
}
