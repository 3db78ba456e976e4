namespace Orchestration.Gateway.Tests.Security;

public sealed class When_a_request_is_not_signed_in_or_not_allowed
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_answer_401_with_a_problem_and_never_redirect(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var browser = gateway.Browser();

        foreach (var route in new[] { "/api/auth/me", "/api/auth/tokens", "/api/users", "/api/probes/staff" })
        {
            var response = await browser.GetAsync(route);
            await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
            response.Headers.Location.ShouldBeNull();
        }

        var post = await browser.PostAsJsonAsync("/api/users", new { email = "x@orchestration.test" });
        await post.ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        (await gateway.Database.RowsAsync("users")).ShouldBeEmpty();
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_answer_403_with_a_problem_when_the_roles_do_not_allow_it(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (manager, _) = await gateway.SignedInAsync(GatewayRoles.PropertyManager);
        var (roleless, _) = await gateway.SignedInAsync();

        var users = await manager.GetAsync("/api/users");
        await users.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        users.Headers.Location.ShouldBeNull();
        await (await manager.PostAsJsonAsync("/api/users",
            new { email = "new@orchestration.test", displayName = "New", password = "a long enough password", roles = new[] { "admin" } }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        (await gateway.Directory.FindByEmailAsync("new@orchestration.test", CancellationToken.None)).ShouldBeNull();

        // Signed in but holding no role: they can see who they are, and nothing else.
        var me = await roleless.GetAsync("/api/auth/me");
        me.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await me.JsonAsync()).GetProperty("roles").GetArrayLength().ShouldBe(0);
        await (await roleless.GetAsync("/api/auth/tokens")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await roleless.GetAsync("/api/probes/staff")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_let_each_policy_through_only_its_roles(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var allowed = new Dictionary<string, string[]>
        {
            [GatewayRoles.Admin] = [GatewayPolicies.Staff, GatewayPolicies.TenantContacts, GatewayPolicies.Leasing, GatewayPolicies.Operations, GatewayPolicies.Admin],
            [GatewayRoles.PropertyManager] = [GatewayPolicies.Staff, GatewayPolicies.TenantContacts, GatewayPolicies.Leasing],
            [GatewayRoles.Accountant] = [GatewayPolicies.Staff, GatewayPolicies.TenantContacts],
            [GatewayRoles.MaintenanceCoordinator] = [GatewayPolicies.Staff],
            [GatewayRoles.Operator] = [GatewayPolicies.Staff, GatewayPolicies.Operations],
        };

        foreach (var (role, policies) in allowed)
        {
            var (browser, _) = await gateway.SignedInAsync(role);
            foreach (var policy in StaffGatewayHost.Policies)
            {
                var response = await browser.GetAsync($"/api/probes/{policy}");
                response.StatusCode.ShouldBe(policies.Contains(policy) ? HttpStatusCode.OK : HttpStatusCode.Forbidden, $"{role} on {policy}");
            }
        }
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_answer_an_unknown_api_route_with_a_problem(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (admin, _) = await gateway.SignedInAsync(GatewayRoles.Admin);

        await (await admin.GetAsync("/api/no-such-thing")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync("/api/users/not-a-guid")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await admin.GetAsync($"/api/users/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }
}
