namespace Orchestration.Gateway.Tests.Security;

public sealed class When_an_admin_manages_users
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_create_a_user_who_can_sign_in_with_a_salted_hash_at_rest(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (admin, _) = await gateway.SignedInAsync(GatewayRoles.Admin);

        var created = await admin.PostAsJsonAsync("/api/users",
            new { email = "Sam.Ops@Orchestration.test", displayName = "Sam Ops", password = Password, roles = new[] { GatewayRoles.Operator } });

        created.StatusCode.ShouldBe(HttpStatusCode.Created);
        var user = await created.JsonAsync();
        var id = user.GetProperty("id").GetGuid();
        created.Headers.Location!.ToString().ShouldBe($"/api/users/{id}");
        user.GetProperty("email").GetString().ShouldBe("Sam.Ops@Orchestration.test");
        user.GetProperty("roles").Strings().ShouldBe([GatewayRoles.Operator]);
        user.GetProperty("disabled").GetBoolean().ShouldBeFalse();
        user.TryGetProperty("passwordHash", out _).ShouldBeFalse();
        (await (await admin.GetAsync($"/api/users/{id}")).JsonAsync()).GetProperty("displayName").GetString().ShouldBe("Sam Ops");

        var login = await gateway.Browser().LoginAsync("sam.ops@orchestration.test", Password);
        login.StatusCode.ShouldBe(HttpStatusCode.OK);

        // Same address in other letters is the same user.
        await (await admin.PostAsJsonAsync("/api/users",
            new { email = "SAM.OPS@orchestration.test", displayName = "Other Sam", password = Password, roles = Array.Empty<string>() }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict);

        // Two users with one password: different salts, so different hashes, and neither shows the password.
        await admin.PostAsJsonAsync("/api/users", new { email = "twin@orchestration.test", displayName = "Twin", password = Password, roles = new[] { "accountant" } });
        var hashes = (await gateway.Database.RowsAsync("users"))
            .Where(r => (string)r["email_key"]! is "sam.ops@orchestration.test" or "twin@orchestration.test")
            .Select(r => (string)r["password_hash"]!).ToList();
        hashes.Count.ShouldBe(2);
        hashes.Distinct().Count().ShouldBe(2);
        hashes.ShouldAllBe(h => !h.Contains(Password));
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_invalid_users_with_a_validation_problem_and_create_nothing(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (admin, _) = await gateway.SignedInAsync(GatewayRoles.Admin);

        var response = await admin.PostAsJsonAsync("/api/users",
            new { email = "not an email", displayName = " ", password = "too short", roles = new[] { "operator", "superuser" } });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        foreach (var field in new[] { "email", "displayName", "password", "roles" })
            errors.TryGetProperty(field, out _).ShouldBeTrue(field);
        errors.GetProperty("roles")[0].GetString()!.ShouldContain("superuser");
        (await gateway.Database.RowsAsync("users")).Count.ShouldBe(1);

        await (await admin.PostAsync("/api/users", new StringContent("[1,2", System.Text.Encoding.UTF8, "application/json")))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_change_roles_for_the_users_next_request(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (admin, adminUser) = await gateway.SignedInAsync(GatewayRoles.Admin);
        var (accountant, accountantUser) = await gateway.SignedInAsync(GatewayRoles.Accountant);
        await (await accountant.GetAsync("/api/probes/leasing")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);

        var changed = await admin.PutAsJsonAsync($"/api/users/{accountantUser.Id}/roles",
            new { roles = new[] { GatewayRoles.PropertyManager, GatewayRoles.Accountant } });

        changed.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await changed.JsonAsync()).GetProperty("roles").Strings().ShouldBe([GatewayRoles.PropertyManager, GatewayRoles.Accountant]);
        (await accountant.GetAsync("/api/probes/leasing")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await (await accountant.GetAsync("/api/auth/me")).JsonAsync()).GetProperty("roles").Strings()
            .ShouldBe([GatewayRoles.PropertyManager, GatewayRoles.Accountant]);

        await (await admin.PutAsJsonAsync($"/api/users/{accountantUser.Id}/roles", new { roles = new[] { "owner" } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PutAsJsonAsync($"/api/users/{adminUser.Id}/roles", new { roles = new[] { GatewayRoles.Operator } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        await (await admin.PutAsJsonAsync($"/api/users/{Guid.NewGuid()}/roles", new { roles = new[] { GatewayRoles.Operator } }))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);
        (await admin.GetAsync("/api/probes/admin")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
