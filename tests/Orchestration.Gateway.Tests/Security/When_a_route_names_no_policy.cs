namespace Orchestration.Gateway.Tests.Security;

public sealed class When_a_route_names_no_policy
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_refuse_anyone_but_signed_in_staff(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        var (roleless, _) = await gateway.SignedInAsync();
        var (operatorBrowser, _) = await gateway.SignedInAsync(GatewayRoles.Operator);

        await (await gateway.Client().GetAsync("/api/probes/unmarked")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        await (await roleless.GetAsync("/api/probes/unmarked")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        (await operatorBrowser.GetAsync("/api/probes/unmarked")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_keep_health_webhooks_and_sign_in_open(string provider)
    {
        await using var gateway = await StaffGatewayHost.StartAsync(provider);
        await gateway.SeedUserAsync("opener@orchestration.test", Password, GatewayRoles.Operator);
        var anonymous = gateway.Client();

        (await anonymous.GetAsync("/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await anonymous.GetAsync("/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var webhook = await anonymous.PostAsync("/webhooks/esign", new StringContent("{}", Encoding.UTF8, "application/json"));
        webhook.StatusCode.ShouldNotBeOneOf(HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden);
        (await anonymous.PostAsync("/api/auth/logout", null)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        (await gateway.Browser().LoginAsync("opener@orchestration.test", Password)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }
}
