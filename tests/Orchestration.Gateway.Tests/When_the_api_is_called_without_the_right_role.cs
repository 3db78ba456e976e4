namespace Orchestration.Gateway.Tests;

public sealed class When_the_api_is_called_without_the_right_role(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    [Fact]
    public async Task Should_answer_401_to_anyone_not_signed_in_and_show_nothing()
    {
        var staff = await Gateway.SignInAsAdminAsync();
        var propertyId = await staff.CreatePropertyAsync();
        var unitId = await staff.AddUnitAsync(propertyId);
        var leaseId = await staff.AppliedAsync(propertyId, unitId);
        var stranger = Gateway.Anonymous();

        foreach (var path in new[] { "/api/properties", $"/api/properties/{propertyId}", $"/api/properties/{propertyId}/units", $"/api/units/{unitId}",
                     "/api/tenants", "/api/leases", $"/api/leases/{leaseId}" })
        {
            var problem = await (await stranger.GetAsync(path)).ShouldAnswerProblemAsync(HttpStatusCode.Unauthorized);
            problem.ToString().ShouldNotContain(leaseId.ToString());
        }

        await (await stranger.PostAsJsonAsync("/api/properties", PortalRequests.Property())).ShouldAnswerProblemAsync(HttpStatusCode.Unauthorized);
        await (await stranger.ApplyAsync(PortalRequests.Application(propertyId, unitId))).ShouldAnswerProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Should_let_an_accountant_read_but_answer_403_to_every_change()
    {
        var admin = await Gateway.SignInAsAdminAsync();
        var propertyId = await admin.CreatePropertyAsync();
        var unitId = await admin.AddUnitAsync(propertyId);
        var leaseId = await admin.AppliedAsync(propertyId, await admin.AddUnitAsync(propertyId, "102"));
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);

        (await accountant.GetJsonAsync($"/api/leases/{leaseId}")).GetProperty("state").GetString().ShouldBe("Submitted");
        (await accountant.GetJsonAsync($"/api/properties/{propertyId}/units")).GetArrayLength().ShouldBe(2);

        await (await accountant.PostAsJsonAsync("/api/properties", PortalRequests.Property())).ShouldAnswerProblemAsync(HttpStatusCode.Forbidden);
        await (await accountant.PutAsJsonAsync($"/api/properties/{propertyId}", PortalRequests.Property("Renamed"))).ShouldAnswerProblemAsync(HttpStatusCode.Forbidden);
        await (await accountant.PostAsJsonAsync($"/api/properties/{propertyId}/units", PortalRequests.Unit("9Z"))).ShouldAnswerProblemAsync(HttpStatusCode.Forbidden);
        await (await accountant.ApplyAsync(PortalRequests.Application(propertyId, unitId))).ShouldAnswerProblemAsync(HttpStatusCode.Forbidden);
        await (await accountant.PostAsJsonAsync($"/api/leases/{leaseId}/cancel", new { reason = "Not mine to cancel" }))
            .ShouldAnswerProblemAsync(HttpStatusCode.Forbidden);

        (await admin.GetJsonAsync($"/api/properties/{propertyId}")).GetProperty("name").GetString().ShouldBe("Harbor View Apartments");
        (await admin.GetJsonAsync($"/api/units/{unitId}")).GetProperty("status").GetString().ShouldBe("vacant");
    }

    [Fact]
    public async Task Should_let_a_property_manager_make_changes()
    {
        var manager = await Gateway.SignInAsNewStaffAsync(GatewayRoles.PropertyManager);

        var propertyId = await manager.CreatePropertyAsync();
        var leaseId = await manager.AppliedAsync(propertyId, await manager.AddUnitAsync(propertyId));

        (await manager.GetJsonAsync($"/api/leases/{leaseId}")).GetProperty("state").GetString().ShouldBe("Submitted");
    }
}
