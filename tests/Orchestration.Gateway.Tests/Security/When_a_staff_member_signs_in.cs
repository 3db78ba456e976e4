namespace Orchestration.Gateway.Tests.Security;

public sealed class When_a_staff_member_signs_in
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_set_an_http_only_cookie_that_identifies_them(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        await gateway.SeedUserAsync("Pat.Manager@Orchestration.test", Password, GatewayRoles.PropertyManager, GatewayRoles.Accountant);
        var browser = gateway.Browser();

        var login = await browser.LoginAsync("  pat.manager@orchestration.TEST ", Password);

        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        var body = await login.JsonAsync();
        body.GetProperty("email").GetString().ShouldBe("Pat.Manager@Orchestration.test");
        body.GetProperty("displayName").GetString().ShouldBe("Pat.Manager");
        body.GetProperty("roles").Strings().ShouldBe([GatewayRoles.PropertyManager, GatewayRoles.Accountant]);
        var cookie = login.Headers.GetValues("Set-Cookie").ShouldHaveSingleItem().ToLowerInvariant();
        cookie.ShouldStartWith("orchestration.staff=");
        cookie.ShouldContain("httponly");
        cookie.ShouldContain("samesite=lax");
        cookie.ShouldNotContain("secure"); // plain HTTP here; SameAsRequest marks it Secure behind HTTPS

        var me = await browser.GetAsync("/api/auth/me");
        me.StatusCode.ShouldBe(HttpStatusCode.OK);
        var who = await me.JsonAsync();
        who.GetProperty("email").GetString().ShouldBe("Pat.Manager@Orchestration.test");
        who.GetProperty("displayName").GetString().ShouldBe("Pat.Manager");
        who.GetProperty("roles").Strings().ShouldBe([GatewayRoles.PropertyManager, GatewayRoles.Accountant]);
        who.GetProperty("authenticatedBy").GetString().ShouldBe("cookie");
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_answer_a_wrong_password_an_unknown_email_and_a_disabled_user_alike(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        await gateway.SeedUserAsync("active@orchestration.test", Password, GatewayRoles.Operator);
        var disabled = await gateway.SeedUserAsync("disabled@orchestration.test", Password, GatewayRoles.Operator);
        (await gateway.Directory.DisableAsync(disabled.Id, CancellationToken.None)).ShouldBeTrue();
        var browser = gateway.Browser();

        var answers = new[]
        {
            await browser.LoginAsync("active@orchestration.test", "not the password at all"),
            await browser.LoginAsync("nobody@orchestration.test", Password),
            await browser.LoginAsync("disabled@orchestration.test", Password),
        };

        var problems = new List<string>();
        foreach (var answer in answers)
        {
            var problem = await answer.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
            answer.Headers.Contains("Set-Cookie").ShouldBeFalse();
            problems.Add($"{problem.GetProperty("type")}|{problem.GetProperty("title")}|{problem.GetProperty("detail")}");
        }
        problems.Distinct().ShouldHaveSingleItem().ShouldContain("Sign-in failed");
        (await browser.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_log_sign_ins_and_failures_without_the_password(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider, new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" });
        var user = await gateway.SeedUserAsync("logged@orchestration.test", Password, GatewayRoles.Operator);
        var browser = gateway.Browser();

        (await browser.LoginAsync("logged@orchestration.test", "wrong password guess 42")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await browser.LoginAsync("logged@orchestration.test", Password)).StatusCode.ShouldBe(HttpStatusCode.OK);

        gateway.Logs.Entries.ShouldContain(e => e.Contains($"Staff user {user.Id} signed in", StringComparison.Ordinal));
        gateway.Logs.Entries.ShouldContain(e => e.Contains("Sign-in refused", StringComparison.Ordinal) && e.Contains("WrongPassword", StringComparison.Ordinal));
        gateway.Logs.Text.ShouldNotContain(Password);
        gateway.Logs.Text.ShouldNotContain("wrong password guess 42");
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_a_body_that_is_not_a_json_sign_in_with_a_problem(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        await gateway.SeedUserAsync("form@orchestration.test", Password, GatewayRoles.Operator);
        var browser = gateway.Browser();

        // What a cross-site HTML form could send: it cannot sign anyone in.
        var form = await browser.PostAsync("/api/auth/login",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["email"] = "form@orchestration.test", ["password"] = Password }));
        await form.ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType);

        var malformed = await browser.PostAsync("/api/auth/login", new StringContent("{\"email\":", Encoding.UTF8, "application/json"));
        await malformed.ShouldBeProblemAsync(HttpStatusCode.BadRequest);

        var missing = await browser.PostAsJsonAsync("/api/auth/login", new { email = "form@orchestration.test" });
        var problem = await missing.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty("password", out _).ShouldBeTrue();

        (await browser.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_end_the_session_at_logout(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (browser, _) = await gateway.SignedInAsync(GatewayRoles.Operator);
        (await browser.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await browser.PostAsync("/api/auth/logout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await browser.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_keep_a_session_in_use_and_end_an_idle_one_after_the_cookie_lifetime(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider,
            new Dictionary<string, string?> { ["Gateway:Security:CookieLifetime"] = "02:00:00" });
        var (browser, _) = await gateway.SignedInAsync(GatewayRoles.Operator);

        // Used past half its life, the session is extended: 2 h 30 min after sign-in it is still open.
        gateway.Clock.Advance(TimeSpan.FromMinutes(75));
        (await browser.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        gateway.Clock.Advance(TimeSpan.FromMinutes(75));
        (await browser.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Idle for longer than its lifetime, it has ended.
        gateway.Clock.Advance(TimeSpan.FromMinutes(121));
        await (await browser.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }
}
