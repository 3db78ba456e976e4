namespace Orchestration.Gateway.Tests.Security;

public sealed class When_the_gateway_is_behind_a_proxy
{
    static async Task<string> LoginCookieAsync(StaffGatewayHost gateway, string forwardedProto)
    {
        await gateway.SeedUserAsync("proxied@orchestration.test", Password, GatewayRoles.Operator);
        var browser = gateway.Browser();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/auth/login")
        {
            Content = JsonContent.Create(new { email = "proxied@orchestration.test", password = Password }),
        };
        request.Headers.Add("X-Forwarded-Proto", forwardedProto);
        var login = await browser.SendAsync(request);
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        return login.Headers.GetValues("Set-Cookie").ShouldHaveSingleItem().ToLowerInvariant();
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_mark_the_cookie_secure_when_a_known_proxy_took_the_request_over_https(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider, StaffGatewayHost.BehindProxy());

        var cookie = await LoginCookieAsync(gateway, "https");

        cookie.Split(';', StringSplitOptions.TrimEntries).ShouldContain("secure");
        cookie.ShouldContain("httponly");
        cookie.ShouldContain("samesite=lax");
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_ignore_forwarded_headers_when_no_proxy_is_configured(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider,
            new Dictionary<string, string?> { ["Gateway:Security:LoginRateLimit:PerAddress"] = "2" });

        (await LoginCookieAsync(gateway, "https")).Split(';', StringSplitOptions.TrimEntries).ShouldNotContain("secure");

        // Every made-up X-Forwarded-For is the same caller: the socket's address.
        await (await gateway.Browser(from: "203.0.113.1").LoginAsync("nobody@orchestration.test", Password)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await gateway.Browser(from: "203.0.113.2").LoginAsync("nobody@orchestration.test", Password)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await gateway.Browser(from: "203.0.113.3").LoginAsync("nobody@orchestration.test", Password)).ShouldBeProblemAsync(HttpStatusCode.TooManyRequests);
    }
}
