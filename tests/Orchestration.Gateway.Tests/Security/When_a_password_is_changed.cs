namespace Orchestration.Gateway.Tests.Security;

public sealed class When_a_password_is_changed
{
    const string OldPassword = "the old password, long enough";
    const string NewPassword = "the new password, long enough";

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_end_the_users_other_sessions_and_keep_this_one(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var user = await gateway.SeedUserAsync("changer@orchestration.test", OldPassword, GatewayRoles.Accountant);
        var laptop = gateway.Browser();
        var phone = gateway.Browser();
        (await laptop.LoginAsync(user.Email, OldPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await phone.LoginAsync(user.Email, OldPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var changed = await laptop.PostAsJsonAsync("/api/auth/password", new { currentPassword = OldPassword, newPassword = NewPassword });

        changed.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await laptop.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await phone.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await gateway.Browser().LoginAsync(user.Email, OldPassword)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        (await gateway.Browser().LoginAsync(user.Email, NewPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_a_wrong_current_password_or_a_short_new_one(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var user = await gateway.SeedUserAsync("careful@orchestration.test", OldPassword, GatewayRoles.Accountant);
        var browser = gateway.Browser();
        (await browser.LoginAsync(user.Email, OldPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var wrong = await browser.PostAsJsonAsync("/api/auth/password", new { currentPassword = "not the current one", newPassword = NewPassword });
        (await wrong.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("currentPassword", out _).ShouldBeTrue();
        var tooShort = await browser.PostAsJsonAsync("/api/auth/password", new { currentPassword = OldPassword, newPassword = "short" });
        (await tooShort.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("newPassword", out _).ShouldBeTrue();

        (await browser.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gateway.Browser().LoginAsync(user.Email, OldPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_revoke_the_users_api_tokens(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var user = await gateway.SeedUserAsync("rotator@orchestration.test", OldPassword, GatewayRoles.PropertyManager);
        var browser = gateway.Browser();
        (await browser.LoginAsync(user.Email, OldPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var token = (await StaffGatewayHost.CreateTokenAsync(browser, new { name = "before the change" })).GetProperty("token").GetString()!;
        (await gateway.Client(token).GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await browser.PostAsJsonAsync("/api/auth/password", new { currentPassword = OldPassword, newPassword = NewPassword }))
            .StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await gateway.Client(token).GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        var listed = (await (await browser.GetAsync("/api/auth/tokens")).JsonAsync()).EnumerateArray().ShouldHaveSingleItem();
        listed.GetProperty("revokedAt").ValueKind.ShouldBe(JsonValueKind.String);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_a_change_made_with_an_api_token(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var user = await gateway.SeedUserAsync("automated@orchestration.test", OldPassword, GatewayRoles.PropertyManager);
        var browser = gateway.Browser();
        (await browser.LoginAsync(user.Email, OldPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var token = (await StaffGatewayHost.CreateTokenAsync(browser, new { name = "automation" })).GetProperty("token").GetString()!;

        var changed = await gateway.Client(token).PostAsJsonAsync("/api/auth/password", new { currentPassword = OldPassword, newPassword = NewPassword });

        await changed.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        (await gateway.Browser().LoginAsync(user.Email, OldPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gateway.Client(token).GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_let_an_admins_reset_keep_the_tokens_only_when_asked(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (admin, _) = await gateway.SignedInAsync(GatewayRoles.Admin);
        var user = await gateway.SeedUserAsync("forgetful@orchestration.test", OldPassword, GatewayRoles.Operator);
        var browser = gateway.Browser();
        (await browser.LoginAsync(user.Email, OldPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var kept = (await StaffGatewayHost.CreateTokenAsync(browser, new { name = "the export job" })).GetProperty("token").GetString()!;

        (await admin.PostAsJsonAsync($"/api/users/{user.Id}/password", new { newPassword = NewPassword, keepApiTokens = true }))
            .StatusCode.ShouldBe(HttpStatusCode.NoContent);

        (await gateway.Client(kept).GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await browser.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await gateway.Browser().LoginAsync(user.Email, OldPassword)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);

        (await admin.PostAsJsonAsync($"/api/users/{user.Id}/password", new { newPassword = OldPassword }))
            .StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await gateway.Client(kept).GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        (await gateway.Browser().LoginAsync(user.Email, OldPassword)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
