namespace Orchestration.Gateway.Tests.Security;

public sealed class When_staff_read_tenants_personal_data(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    [Fact]
    public async Task Should_show_tenants_names_and_emails_only_to_the_roles_that_deal_with_tenants()
    {
        var tenant = Guid.NewGuid();

        foreach (var role in new[] { GatewayRoles.MaintenanceCoordinator, GatewayRoles.Operator })
        {
            var staff = await Gateway.SignInAsNewStaffAsync(role);
            await (await staff.GetAsync("/api/tenants")).ShouldAnswerProblemAsync(HttpStatusCode.Forbidden);
            await (await staff.GetAsync($"/api/tenants/{tenant}")).ShouldAnswerProblemAsync(HttpStatusCode.Forbidden);
        }

        foreach (var role in new[] { GatewayRoles.PropertyManager, GatewayRoles.Accountant, GatewayRoles.Admin })
        {
            var staff = await Gateway.SignInAsNewStaffAsync(role);
            (await staff.GetAsync("/api/tenants")).StatusCode.ShouldBe(HttpStatusCode.OK, role);
        }
    }

    [Fact]
    public async Task Should_leave_the_tenants_email_out_of_leases_for_the_roles_that_do_not_deal_with_tenants()
    {
        var manager = await Gateway.SignInAsNewStaffAsync(GatewayRoles.PropertyManager);
        var propertyId = await manager.CreatePropertyAsync("Contact Court");
        var unitId = await manager.AddUnitAsync(propertyId, "C1");
        var email = $"contact-{Guid.NewGuid():N}@example.com";
        var leaseId = await manager.AppliedAsync(propertyId, unitId, email);

        (await manager.GetJsonAsync($"/api/leases/{leaseId}")).GetProperty("tenant").GetProperty("email").GetString().ShouldBe(email);
        foreach (var role in new[] { GatewayRoles.MaintenanceCoordinator, GatewayRoles.Operator })
        {
            var staff = await Gateway.SignInAsNewStaffAsync(role);
            var lease = await staff.GetJsonAsync($"/api/leases/{leaseId}");
            lease.GetProperty("tenant").GetProperty("name").GetString().ShouldBe("Ada Lovelace", role);
            lease.GetProperty("tenant").GetProperty("email").ValueKind.ShouldBe(JsonValueKind.Null, role);
            var listed = (await staff.GetJsonAsync($"/api/leases?propertyId={propertyId}")).GetProperty("items").EnumerateArray().ShouldHaveSingleItem();
            listed.GetProperty("tenant").GetProperty("email").ValueKind.ShouldBe(JsonValueKind.Null, role);
        }
    }
}
