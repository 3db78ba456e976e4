namespace Orchestration.Gateway.Tests.Security;

/// <summary>Cross-site request forgery: a cookie request that changes something must carry <c>X-Requested-With</c>.</summary>
public sealed class When_a_signed_in_request_changes_something
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_a_cookie_request_without_the_anti_forgery_header(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var admin = await gateway.SeedUserAsync("csrf-admin@orchestration.test", Password, GatewayRoles.Admin);
        var operatorUser = await gateway.SeedUserAsync("csrf-operator@orchestration.test", Password, GatewayRoles.Operator);
        var forged = gateway.Browser(antiForgeryHeader: false);
        (await forged.LoginAsync(admin.Email, Password)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var token = await forged.PostAsJsonAsync("/api/auth/tokens", new { name = "forged" });
        (await token.ShouldBeProblemAsync(HttpStatusCode.Forbidden)).GetProperty("detail").GetString()!.ShouldContain("X-Requested-With");
        await (await forged.PostAsync($"/api/users/{operatorUser.Id}/disable", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await forged.PutAsJsonAsync($"/api/users/{operatorUser.Id}/roles", new { roles = new[] { GatewayRoles.Admin } }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await forged.PostAsync("/api/probes/operations", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await forged.PostAsync("/api/auth/logout", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        (await gateway.Database.RowsAsync("api_tokens")).ShouldBeEmpty();
        var unchanged = (await gateway.Directory.FindAsync(operatorUser.Id, CancellationToken.None)).ShouldNotBeNull();
        unchanged.Disabled.ShouldBeFalse();
        unchanged.Roles.ShouldBe([GatewayRoles.Operator]);

        // Reading needs no header, and the same session with the header goes through.
        (await forged.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var withHeader = new HttpRequestMessage(HttpMethod.Post, "/api/auth/tokens") { Content = JsonContent.Create(new { name = "portal" }) };
        withHeader.Headers.Add("X-Requested-With", "XMLHttpRequest");
        (await forged.SendAsync(withHeader)).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_accept_a_bearer_request_without_the_header(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (browser, _) = await gateway.SignedInAsync(GatewayRoles.Operator);
        var automation = gateway.Client((await StaffGatewayHost.CreateTokenAsync(browser, new { name = "bot" })).GetProperty("token").GetString());

        (await automation.PostAsync("/api/probes/operations", null)).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Past the anti-forgery check, the route itself answers: a token may not mint tokens that would outlive it.
        var minted = await automation.PostAsJsonAsync("/api/auth/tokens", new { name = "made by the bot" });
        (await minted.ShouldBeProblemAsync(HttpStatusCode.Forbidden)).GetProperty("title").GetString().ShouldBe("Sign in to create API tokens");
        (await gateway.Database.RowsAsync("api_tokens")).Count.ShouldBe(1);
    }
}
