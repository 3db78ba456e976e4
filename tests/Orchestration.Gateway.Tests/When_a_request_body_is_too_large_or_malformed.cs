namespace Orchestration.Gateway.Tests;

/// <summary>
/// The API reads at most a small body per request and refuses the rest with 413 before reading it; a body that is not
/// the JSON a route takes is a 400 problem, never a 500.
/// </summary>
public sealed class When_a_request_body_is_too_large_or_malformed(StaffApiFixture hosts) : IClassFixture<StaffApiFixture>
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_a_body_over_the_api_limit_with_a_413_problem(string provider)
    {
        var staff = await hosts[provider].SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var unitId = await staff.AddUnitAsync(propertyId);
        var body = PortalRequests.ApplicationJson(propertyId, unitId, "big@example.com");
        body["applicantName"] = new string('a', 200_000);

        var sized = await staff.SendJsonAsync(HttpMethod.Post, "/api/lease-applications", body.ToJsonString());
        var chunked = await staff.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/lease-applications")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body.ToJsonString())))
            {
                Headers = { ContentType = new MediaTypeHeaderValue("application/json") },
            },
            Headers = { TransferEncodingChunked = true },
        });

        await sized.ShouldAnswerProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        await chunked.ShouldAnswerProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        (await staff.GetJsonAsync($"/api/units/{unitId}")).GetProperty("status").GetString().ShouldBe("vacant");
    }

    public static TheoryData<string> Shapes => new() { "null", "[]", "", "{\"propertyId\":", "\"str\"", "{\"propertyId\":123}", "{\"applicantName\":[]}" };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task Should_answer_a_body_of_the_wrong_shape_with_a_400_problem(string json)
    {
        foreach (var provider in new[] { TestDatabase.Postgres, TestDatabase.Sqlite })
        {
            var staff = await hosts[provider].SignInAsAdminAsync();

            var response = await staff.SendJsonAsync(HttpMethod.Post, "/api/lease-applications", json);

            await response.ShouldAnswerProblemAsync(HttpStatusCode.BadRequest);
        }
    }
}
