namespace Orchestration.Gateway.Tests.Security;

public sealed class When_a_user_is_disabled
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_end_their_sessions_and_revoke_their_tokens(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (admin, _) = await gateway.SignedInAsync(GatewayRoles.Admin);
        var user = await gateway.SeedUserAsync("leaving@orchestration.test", Password, GatewayRoles.Operator);
        var session = gateway.Browser();
        (await session.LoginAsync(user.Email, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var automation = gateway.Client((await StaffGatewayHost.CreateTokenAsync(session, new { name = "their bot" })).GetProperty("token").GetString());
        (await session.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await automation.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await admin.PostAsync($"/api/users/{user.Id}/disable", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await session.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await automation.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await gateway.Browser().LoginAsync(user.Email, Password)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        var listed = (await (await admin.GetAsync("/api/users")).JsonAsync()).EnumerateArray().Single(u => u.GetProperty("id").GetGuid() == user.Id);
        listed.GetProperty("disabled").GetBoolean().ShouldBeTrue();
        listed.TryGetProperty("securityStamp", out _).ShouldBeFalse();
        var token = (await (await admin.GetAsync("/api/auth/tokens")).JsonAsync()).EnumerateArray().ShouldHaveSingleItem();
        token.GetProperty("revokedAt").ValueKind.ShouldBe(JsonValueKind.String);

        // Enabled again, they can sign in anew; what disabling ended stays ended.
        (await admin.PostAsync($"/api/users/{user.Id}/enable", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await session.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await automation.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        (await gateway.Browser().LoginAsync(user.Email, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_not_let_an_admin_disable_themselves_or_an_unknown_user(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (admin, adminUser) = await gateway.SignedInAsync(GatewayRoles.Admin);

        await (await admin.PostAsync($"/api/users/{adminUser.Id}/disable", null)).ShouldBeProblemAsync(HttpStatusCode.Conflict);
        await (await admin.PostAsync($"/api/users/{Guid.NewGuid()}/disable", null)).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        (await admin.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
