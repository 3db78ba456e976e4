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
}
