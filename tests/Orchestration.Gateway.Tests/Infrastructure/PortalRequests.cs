namespace Orchestration.Gateway.Tests.Infrastructure;

/// <summary>The requests staff make to set up and apply, as a signed-in client sends them.</summary>
public static class PortalRequests
{
    public static object Property(string name = "Harbor View Apartments") => new
    {
        name,
        addressLine1 = "120 Harbor Way",
        city = "Seattle",
        region = "WA",
        postalCode = "98101",
        country = "US",
    };

    public static object Unit(string label) => new
    {
        label,
        bedrooms = 2,
        bathrooms = 1.5m,
        squareFeet = 900,
        marketRent = new { amount = 2400.00m, currency = "USD" },
    };

    public static object Application(Guid propertyId, Guid unitId, string email = "ada@example.com", decimal monthlyRent = 2400.00m,
        string name = "Ada Lovelace") => new
    {
        propertyId,
        unitId,
        applicantName = name,
        applicantEmail = email,
        monthlyRent,
        securityDeposit = 2400.00m,
        currency = "USD",
        leaseStart = LeaseTerm.Start,
        leaseEnd = LeaseTerm.End,
    };

    public static async Task<Guid> CreatePropertyAsync(this HttpClient client, string name = "Harbor View Apartments")
    {
        var response = await client.PostAsJsonAsync("/api/properties", Property(name));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("propertyId").GetGuid();
    }

    public static async Task<Guid> AddUnitAsync(this HttpClient client, Guid propertyId, string label = "101")
    {
        var response = await client.PostAsJsonAsync($"/api/properties/{propertyId}/units", Unit(label));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("unitId").GetGuid();
    }

    public static Task<HttpResponseMessage> ApplyAsync(this HttpClient client, object application, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/lease-applications") { Content = JsonContent.Create(application) };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    /// <summary>Applies for the unit and returns the lease id from the 202.</summary>
    public static async Task<Guid> AppliedAsync(this HttpClient client, Guid propertyId, Guid unitId, string email = "ada@example.com",
        string name = "Ada Lovelace")
    {
        var response = await client.ApplyAsync(Application(propertyId, unitId, email, name: name));
        response.StatusCode.ShouldBe(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leaseId").GetGuid();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, $"GET {path}: {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>Asserts an RFC 9457 problem with this status, and returns its body.</summary>
    public static async Task<JsonElement> ShouldAnswerProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, body);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json", body);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        problem.GetProperty("status").GetInt32().ShouldBe((int)status);
        problem.GetProperty("title").GetString().ShouldNotBeNullOrWhiteSpace();
        return problem;
    }

    /// <summary>An application as a JSON object a test can change field by field, for input no typed object can hold.</summary>
    public static System.Text.Json.Nodes.JsonObject ApplicationJson(Guid propertyId, Guid unitId, string email) =>
        System.Text.Json.Nodes.JsonNode.Parse(JsonSerializer.Serialize(Application(propertyId, unitId, email), JsonSerializerOptions.Web))!.AsObject();

    /// <summary>Sends <paramref name="json"/> exactly as written.</summary>
    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string path, string json, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        if (idempotencyKey is not null)
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        return client.SendAsync(request);
    }

    /// <summary>Asserts a 400 problem whose <c>errors</c> name <paramref name="field"/>.</summary>
    public static async Task ShouldNameFieldAsync(this HttpResponseMessage response, string field, string because)
    {
        var problem = await response.ShouldAnswerProblemAsync(HttpStatusCode.BadRequest);
        problem.TryGetProperty("errors", out var errors).ShouldBeTrue($"{because}: {problem}");
        errors.TryGetProperty(field, out _).ShouldBeTrue($"{because}: {problem}");
    }
}
