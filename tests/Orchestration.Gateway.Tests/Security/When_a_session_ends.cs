namespace Orchestration.Gateway.Tests.Security;

public sealed class When_a_session_ends
{
    /// <summary>Signs in and returns the session cookie as a browser would send it back (<c>name=value</c>).</summary>
    static async Task<string> SessionCookieAsync(HttpClient browser, string email)
    {
        var login = await browser.LoginAsync(email, Password);
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        return login.Headers.GetValues("Set-Cookie").ShouldHaveSingleItem().Split(';')[0];
    }

    static Task<HttpResponseMessage> MeWithCookieAsync(StaffGatewayHost gateway, string cookie)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        request.Headers.Add("Cookie", cookie);
        return gateway.Client().SendAsync(request);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_a_copy_of_the_cookie_after_logout(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var user = await gateway.SeedUserAsync("leaver@orchestration.test", Password, GatewayRoles.PropertyManager);
        var browser = gateway.Browser();
        var cookie = await SessionCookieAsync(browser, user.Email);
        (await MeWithCookieAsync(gateway, cookie)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await browser.PostAsync("/api/auth/logout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await MeWithCookieAsync(gateway, cookie)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await browser.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_end_only_the_session_that_logged_out(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var user = await gateway.SeedUserAsync("two-devices@orchestration.test", Password, GatewayRoles.Accountant);
        var laptop = gateway.Browser();
        var phone = gateway.Browser();
        (await laptop.LoginAsync(user.Email, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await phone.LoginAsync(user.Email, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await laptop.PostAsync("/api/auth/logout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await phone.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_end_a_busy_session_at_its_absolute_lifetime(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var user = await gateway.SeedUserAsync("all-day@orchestration.test", Password, GatewayRoles.Operator);
        var browser = gateway.Browser();
        (await browser.LoginAsync(user.Email, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Busy all day: a request every two hours keeps the eight-hour sliding expiry from ever running out.
        for (var hours = 2; hours <= 10; hours += 2)
        {
            gateway.Clock.Advance(TimeSpan.FromHours(2));
            (await browser.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK, $"after {hours} hours");
        }
        gateway.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(59));
        (await browser.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK, "just under twelve hours");

        gateway.Clock.Advance(TimeSpan.FromMinutes(2));
        await (await browser.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        (await browser.LoginAsync(user.Email, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_take_the_absolute_lifetime_from_configuration(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider,
            new Dictionary<string, string?> { ["Gateway:Security:SessionMaxLifetime"] = "01:00:00" });
        var user = await gateway.SeedUserAsync("short-day@orchestration.test", Password, GatewayRoles.Operator);
        var browser = gateway.Browser();
        (await browser.LoginAsync(user.Email, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);

        gateway.Clock.Advance(TimeSpan.FromMinutes(59));
        (await browser.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        gateway.Clock.Advance(TimeSpan.FromMinutes(2));
        await (await browser.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }
}
