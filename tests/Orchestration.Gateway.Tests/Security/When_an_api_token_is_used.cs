using System.Security.Cryptography;

namespace Orchestration.Gateway.Tests.Security;

public sealed class When_an_api_token_is_used
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_act_as_its_owner_until_it_is_revoked(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (browser, owner) = await gateway.SignedInAsync(GatewayRoles.Operator, GatewayRoles.Accountant);

        var issued = await StaffGatewayHost.CreateTokenAsync(browser, new { name = "nightly export" });
        var token = issued.GetProperty("token").GetString()!;
        token.ShouldStartWith("orc_");
        token.Length.ShouldBe(47);
        issued.GetProperty("name").GetString().ShouldBe("nightly export");
        issued.GetProperty("roles").Strings().ShouldBe([GatewayRoles.Accountant, GatewayRoles.Operator]);
        var expiresAt = issued.GetProperty("expiresAt").GetDateTimeOffset();
        (expiresAt - gateway.Clock.GetUtcNow()).ShouldBe(TimeSpan.FromDays(365), TimeSpan.FromSeconds(1));

        var automation = gateway.Client(token);
        var me = await automation.GetAsync("/api/auth/me");
        me.StatusCode.ShouldBe(HttpStatusCode.OK);
        var who = await me.JsonAsync();
        who.GetProperty("email").GetString().ShouldBe(owner.Email);
        who.GetProperty("authenticatedBy").GetString().ShouldBe("token");
        who.GetProperty("roles").Strings().ShouldBe([GatewayRoles.Accountant, GatewayRoles.Operator]);
        (await automation.GetAsync("/api/probes/operations")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var listed = (await (await browser.GetAsync("/api/auth/tokens")).JsonAsync()).EnumerateArray().ShouldHaveSingleItem();
        listed.GetProperty("id").GetGuid().ShouldBe(issued.GetProperty("id").GetGuid());
        listed.GetProperty("ownerId").GetGuid().ShouldBe(owner.Id);
        listed.GetProperty("lastUsedAt").ValueKind.ShouldBe(JsonValueKind.String);
        listed.GetProperty("revokedAt").ValueKind.ShouldBe(JsonValueKind.Null);
        listed.TryGetProperty("token", out _).ShouldBeFalse();
        listed.GetRawText().ShouldNotContain(token[4..]);

        (await browser.DeleteAsync($"/api/auth/tokens/{issued.GetProperty("id").GetGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var refused = await automation.GetAsync("/api/auth/me");
        await refused.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        refused.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer error=\"invalid_token\"");
        var revoked = (await (await browser.GetAsync("/api/auth/tokens")).JsonAsync()).EnumerateArray().ShouldHaveSingleItem();
        revoked.GetProperty("revokedAt").ValueKind.ShouldBe(JsonValueKind.String);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_keep_only_a_hash_of_the_token(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (browser, owner) = await gateway.SignedInAsync(GatewayRoles.Operator);
        var token = (await StaffGatewayHost.CreateTokenAsync(browser, new { name = "ci" })).GetProperty("token").GetString()!;

        var row = (await gateway.Database.RowsAsync("api_tokens")).ShouldHaveSingleItem();

        row["token_hash"].ShouldBe(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token))));
        row["name"].ShouldBe("ci");
        row["roles"].ShouldBe(GatewayRoles.Operator);
        foreach (var value in row.Values.Select(v => v switch { byte[] bytes => Encoding.UTF8.GetString(bytes), _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "" }))
            value.ShouldNotContain(token[4..]);
        (await gateway.Client(token).GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);
        owner.Roles.ShouldBe([GatewayRoles.Operator]);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_stop_working_when_it_expires(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (browser, _) = await gateway.SignedInAsync(GatewayRoles.Operator);
        var issued = await StaffGatewayHost.CreateTokenAsync(browser, new { name = "short-lived", expiresInDays = 2 });
        (issued.GetProperty("expiresAt").GetDateTimeOffset() - gateway.Clock.GetUtcNow()).ShouldBe(TimeSpan.FromDays(2), TimeSpan.FromSeconds(1));
        var automation = gateway.Client(issued.GetProperty("token").GetString());

        gateway.Clock.Advance(TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1));
        (await automation.GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        gateway.Clock.Advance(TimeSpan.FromMinutes(2));
        await (await automation.GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_grant_only_roles_its_creator_holds_and_still_holds(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (manager, managerUser) = await gateway.SignedInAsync(GatewayRoles.PropertyManager, GatewayRoles.Operator);
        var (admin, _) = await gateway.SignedInAsync(GatewayRoles.Admin);

        var escalation = await manager.PostAsJsonAsync("/api/auth/tokens", new { name = "escalate", roles = new[] { GatewayRoles.Admin } });
        (await escalation.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("roles", out _).ShouldBeTrue();
        await (await manager.PostAsJsonAsync("/api/auth/tokens", new { name = "unknown role", roles = new[] { "root" } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await manager.PostAsJsonAsync("/api/auth/tokens", new { name = "forever", expiresInDays = 366 }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await manager.PostAsJsonAsync("/api/auth/tokens", new { name = "" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        (await gateway.Database.RowsAsync("api_tokens")).ShouldBeEmpty();

        // A token narrower than its owner: operations only.
        var operations = gateway.Client((await StaffGatewayHost.CreateTokenAsync(manager,
            new { name = "ops bot", roles = new[] { GatewayRoles.Operator } })).GetProperty("token").GetString());
        (await operations.GetAsync("/api/probes/operations")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await operations.GetAsync("/api/probes/leasing")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        // A token makes no tokens at all: they could outlive its expiry and its revocation.
        await (await operations.PostAsJsonAsync("/api/auth/tokens", new { name = "from a token", roles = new[] { GatewayRoles.Operator } }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        // The owner loses the role: the token loses it too, at once.
        (await admin.PutAsJsonAsync($"/api/users/{managerUser.Id}/roles", new { roles = new[] { GatewayRoles.PropertyManager } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await operations.GetAsync("/api/probes/operations")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_list_and_revoke_only_ones_own_tokens_unless_admin(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (alice, _) = await gateway.SignedInAsync(GatewayRoles.Accountant);
        var (bob, _) = await gateway.SignedInAsync(GatewayRoles.Accountant);
        var (admin, _) = await gateway.SignedInAsync(GatewayRoles.Admin);
        var aliceToken = await StaffGatewayHost.CreateTokenAsync(alice, new { name = "alice's" });
        await StaffGatewayHost.CreateTokenAsync(bob, new { name = "bob's" });
        await StaffGatewayHost.CreateTokenAsync(admin, new { name = "admin's" });

        async Task<IReadOnlyList<string>> NamesAsync(HttpClient client) =>
            [.. (await (await client.GetAsync("/api/auth/tokens")).JsonAsync()).EnumerateArray().Select(t => t.GetProperty("name").GetString()!).Order()];
        (await NamesAsync(alice)).ShouldBe(["alice's"]);
        (await NamesAsync(bob)).ShouldBe(["bob's"]);
        (await NamesAsync(admin)).ShouldBe(["admin's", "alice's", "bob's"]);

        var aliceTokenId = aliceToken.GetProperty("id").GetGuid();
        await (await bob.DeleteAsync($"/api/auth/tokens/{aliceTokenId}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await gateway.Client(aliceToken.GetProperty("token").GetString()).GetAsync("/api/auth/me")).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await admin.DeleteAsync($"/api/auth/tokens/{aliceTokenId}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        await (await gateway.Client(aliceToken.GetProperty("token").GetString()).GetAsync("/api/auth/me")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_unknown_and_malformed_tokens(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (browser, _) = await gateway.SignedInAsync(GatewayRoles.Operator);
        var real = (await StaffGatewayHost.CreateTokenAsync(browser, new { name = "real" })).GetProperty("token").GetString()!;
        var forged = real[..^4] + (real[^4..] == "AAAA" ? "BBBB" : "AAAA");

        foreach (var token in new[] { forged, "orc_short", "not-a-token-at-all" })
        {
            var response = await gateway.Client(token).GetAsync("/api/auth/me");
            await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
            response.Headers.WwwAuthenticate.ToString().ShouldBe("Bearer error=\"invalid_token\"");
        }

        // An Authorization header means the token scheme, even next to a valid cookie.
        var mixed = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me");
        mixed.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", forged);
        await (await browser.SendAsync(mixed)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_not_create_users_change_roles_or_enable_users_even_for_an_admin(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (admin, _) = await gateway.SignedInAsync(GatewayRoles.Admin);
        var other = await gateway.SeedUserAsync("other@orchestration.test", Password, GatewayRoles.Accountant);
        (await admin.PostAsync($"/api/users/{other.Id}/disable", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var automation = gateway.Client((await StaffGatewayHost.CreateTokenAsync(admin, new { name = "admin automation" })).GetProperty("token").GetString());

        await (await automation.PostAsJsonAsync("/api/users",
                new { email = "shadow@orchestration.test", displayName = "Shadow", password = "shadow-passphrase-1", roles = new[] { GatewayRoles.Admin } }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await automation.PutAsJsonAsync($"/api/users/{other.Id}/roles", new { roles = new[] { GatewayRoles.Admin } }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await automation.PostAsync($"/api/users/{other.Id}/enable", null)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await automation.PostAsJsonAsync($"/api/users/{other.Id}/password", new { newPassword = "token-chosen-passphrase" }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        (await automation.GetAsync("/api/users")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gateway.Directory.FindByEmailAsync("shadow@orchestration.test", CancellationToken.None)).ShouldBeNull();
        var unchanged = (await gateway.Directory.FindAsync(other.Id, CancellationToken.None))!;
        unchanged.Roles.ShouldBe([GatewayRoles.Accountant]);
        unchanged.Disabled.ShouldBeTrue();
    }
}
