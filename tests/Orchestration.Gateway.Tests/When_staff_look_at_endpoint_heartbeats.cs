namespace Orchestration.Gateway.Tests;

public sealed class When_staff_look_at_endpoint_heartbeats(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    [Fact]
    public async Task Should_let_any_staff_member_read_the_endpoints_and_only_operators_and_admins_mute_one()
    {
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        (await accountant.GetJsonAsync("/api/operations/endpoints")).ValueKind.ShouldBe(JsonValueKind.Array);
        await (await accountant.PostAsJsonAsync("/api/operations/endpoints/billing/host:5083/mute", new { until = DateTimeOffset.UtcNow.AddHours(1) }))
            .ShouldAnswerProblemAsync(HttpStatusCode.Forbidden);

        await (await Gateway.Anonymous().GetAsync("/api/operations/endpoints")).ShouldAnswerProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Should_refuse_a_mute_without_a_near_future_end_naming_the_field_and_one_for_an_unknown_instance()
    {
        var operatorClient = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Operator);
        const string path = "/api/operations/endpoints/billing/host:5083/mute";

        await (await operatorClient.PostAsJsonAsync(path, new { until = DateTimeOffset.UtcNow.AddMinutes(-5) }))
            .ShouldNameFieldAsync("until", "an end in the past");
        await (await operatorClient.PostAsJsonAsync(path, new { until = DateTimeOffset.UtcNow.AddDays(30) }))
            .ShouldNameFieldAsync("until", "an end a month away");
        await (await operatorClient.PostAsJsonAsync(path, new { })).ShouldNameFieldAsync("until", "no end");

        var unknown = await (await operatorClient.PostAsJsonAsync(path, new { until = DateTimeOffset.UtcNow.AddHours(1) }))
            .ShouldAnswerProblemAsync(HttpStatusCode.NotFound);
        (unknown.GetProperty("detail").GetString() ?? "").ShouldContain("host:5083");
    }
}
