namespace Orchestration.Gateway.Tests;

/// <summary>An idempotency key compares what the request means, not how it was written; a key is printable ASCII.</summary>
public sealed class When_an_application_is_retried_with_an_idempotency_key(StaffApiFixture hosts) : IClassFixture<StaffApiFixture>
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_answer_the_same_lease_for_the_same_application_written_another_way(string provider)
    {
        var staff = await hosts[provider].SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var unitId = await staff.AddUnitAsync(propertyId);
        var key = $"apply-{Guid.NewGuid():N}";
        var body = PortalRequests.ApplicationJson(propertyId, unitId, "retry@example.com");
        var first = body.ToJsonString().Replace("\"monthlyRent\":2400.00", "\"monthlyRent\":2400.00", StringComparison.Ordinal);

        var answers = new List<HttpResponseMessage>
        {
            await staff.SendJsonAsync(HttpMethod.Post, "/api/lease-applications", first, key),
            await staff.SendJsonAsync(HttpMethod.Post, "/api/lease-applications", first.Replace("2400.00", "2400", StringComparison.Ordinal), key),
            await staff.SendJsonAsync(HttpMethod.Post, "/api/lease-applications", first.Replace("\"USD\"", "\"usd\"", StringComparison.Ordinal), key),
        };

        var leases = new List<Guid>();
        foreach (var answer in answers)
        {
            answer.StatusCode.ShouldBe(HttpStatusCode.Accepted, await answer.Content.ReadAsStringAsync());
            leases.Add((await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("leaseId").GetGuid());
        }

        leases.Distinct().ShouldHaveSingleItem();
        (await hosts[provider].CountAsync("SELECT COUNT(*) FROM {table:leases} WHERE unit_id = @unit", ("@unit", unitId))).ShouldBe(1);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_a_key_that_is_not_printable_ascii(string provider)
    {
        var staff = await hosts[provider].SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var unitId = await staff.AddUnitAsync(propertyId);
        var body = PortalRequests.ApplicationJson(propertyId, unitId, "key@example.com").ToJsonString();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/lease-applications") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "clé");

        var response = await staff.SendAsync(request);

        await response.ShouldNameFieldAsync("Idempotency-Key", "a non-ASCII key");
        (await staff.GetJsonAsync($"/api/units/{unitId}")).GetProperty("status").GetString().ShouldBe("vacant");
    }
}
