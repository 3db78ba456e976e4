namespace Orchestration.Operations.Tests;

/// <summary>The same flow on the in-memory transport and SQLite: failures parked by the delivery journal reach the workbench.</summary>
public sealed class When_a_consumer_fails_in_the_standalone_mode(StandaloneWorkbench fixture) : IClassFixture<StandaloneWorkbench>
{
    WorkbenchHost Host => fixture.Host;

    [Fact]
    public async Task Should_group_the_failures_and_retry_the_group_so_each_succeeds_once()
    {
        var (staff, operatorEmail) = await Host.SignInAsNewStaffAsync(GatewayRoles.Operator);
        List<Guid> charges = [.. Enumerable.Range(0, 5).Select(_ => Guid.NewGuid())];
        Host.Desk.GatewayDown = true;
        await Host.ChargeAsync(charges);

        JsonElement? group = null;
        await Eventually.HoldsAsync(async () => (group = await WorkbenchHost.GroupOfAsync<PaymentGatewayDown>(staff)) is { } g
            && g.GetProperty("count").GetInt64() == charges.Count, TimeSpan.FromSeconds(15), "the five failures are one group");
        Host.Desk.GatewayDown = false;
        var retry = await staff.PostAsJsonAsync("/api/operations/groups/retry", new { by = "exception", key = group!.Value.GetProperty("groupKey").GetString() });
        (await WorkbenchHost.JsonAsync(retry, HttpStatusCode.Accepted)).GetProperty("messageCount").GetInt32().ShouldBe(charges.Count);

        await Eventually.HoldsAsync(async () => await WorkbenchHost.GroupOfAsync<PaymentGatewayDown>(staff) is null
            && charges.All(c => Host.Desk.TimesCharged(c) == 1), TimeSpan.FromSeconds(20), "every charge made once and the group empty");
        await WorkbenchHost.FailedAsync(staff, charges, "Resolved");
        var audit = await WorkbenchHost.JsonAsync(await staff.GetAsync("/api/operations/audit"));
        audit.GetProperty("items").EnumerateArray().ShouldContain(entry => entry.GetProperty("actor").GetString() == operatorEmail
            && entry.GetProperty("action").GetString() == "retry group" && entry.GetProperty("messageCount").GetInt32() == charges.Count);
    }
}
