namespace Orchestration.Gateway.Tests;

public sealed class When_the_openapi_document_is_requested(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    [Fact]
    public async Task Should_serve_it_without_sign_in_naming_and_tagging_the_lease_routes()
    {
        var response = await Gateway.Anonymous().GetAsync("/openapi/v1.json");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var document = await response.Content.ReadFromJsonAsync<JsonElement>();
        document.GetProperty("info").GetProperty("title").GetString().ShouldBe("Orchestration Gateway API");
        var paths = document.GetProperty("paths");

        var submit = paths.GetProperty("/api/lease-applications").GetProperty("post");
        submit.GetProperty("operationId").GetString().ShouldBe("SubmitLeaseApplication");
        submit.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldContain("Leases");
        submit.GetProperty("responses").EnumerateObject().Select(r => r.Name).ShouldBe(["202", "400", "409", "422", "401", "403"], ignoreOrder: true);
        submit.GetProperty("parameters").EnumerateArray().Select(p => p.GetProperty("name").GetString()).ShouldContain("Idempotency-Key");

        paths.GetProperty("/api/leases").GetProperty("get").GetProperty("operationId").GetString().ShouldBe("ListLeases");
        paths.GetProperty("/api/leases/{id}").GetProperty("get").GetProperty("operationId").GetString().ShouldBe("GetLease");
        paths.GetProperty("/api/leases/{id}/cancel").GetProperty("post").GetProperty("operationId").GetString().ShouldBe("CancelLease");
        foreach (var route in new[] { "/api/properties", "/api/properties/{id}", "/api/properties/{id}/units", "/api/units/{id}", "/api/tenants", "/api/tenants/{id}" })
            paths.TryGetProperty(route, out _).ShouldBeTrue(route);
    }

    [Fact]
    public async Task Should_describe_how_staff_sign_in_and_which_routes_need_it()
    {
        var document = await Gateway.Anonymous().GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        var cookie = schemes.GetProperty("cookie");
        cookie.GetProperty("type").GetString().ShouldBe("apiKey");
        cookie.GetProperty("in").GetString().ShouldBe("cookie");
        cookie.GetProperty("name").GetString().ShouldBe(new GatewaySecurityOptions().CookieName);
        cookie.GetProperty("description").GetString()!.ShouldContain("X-Requested-With");
        var bearer = schemes.GetProperty("bearer");
        bearer.GetProperty("type").GetString().ShouldBe("http");
        bearer.GetProperty("scheme").GetString().ShouldBe("bearer");

        var getLease = document.GetProperty("paths").GetProperty("/api/leases/{id}").GetProperty("get");
        getLease.GetProperty("security").EnumerateArray().SelectMany(r => r.EnumerateObject().Select(s => s.Name)).ShouldBe(["cookie", "bearer"], ignoreOrder: true);
        getLease.GetProperty("description").GetString()!.ShouldContain("`staff`");
        document.GetProperty("paths").GetProperty("/api/lease-applications").GetProperty("post").GetProperty("description").GetString()!.ShouldContain("`leasing`");
    }
}
