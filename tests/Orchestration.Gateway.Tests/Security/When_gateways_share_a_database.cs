namespace Orchestration.Gateway.Tests.Security;

public sealed class When_gateways_share_a_database
{
    [Theory, MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_accept_on_one_gateway_the_cookie_another_issued(string provider)
    {
        await using var database = TestDatabase.Create(provider, "gwkeys");
        await using var first = await StaffGatewayHost.StartOnAsync(database);
        await using var second = await StaffGatewayHost.StartOnAsync(database);
        await using var elsewhere = await StaffGatewayHost.StartAsync(provider);
        await first.SeedUserAsync("roaming@orchestration.test", Password, GatewayRoles.PropertyManager);
        var login = await first.Browser().LoginAsync("roaming@orchestration.test", Password);
        login.StatusCode.ShouldBe(HttpStatusCode.OK);
        var cookie = login.Headers.GetValues("Set-Cookie").ShouldHaveSingleItem().Split(';')[0];

        var onSecond = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me") { Headers = { { "Cookie", cookie } } };
        var me = await second.Client().SendAsync(onSecond);

        me.StatusCode.ShouldBe(HttpStatusCode.OK, await me.Content.ReadAsStringAsync());
        (await me.JsonAsync()).GetProperty("email").GetString().ShouldBe("roaming@orchestration.test");
        // The key ring lives in the database, not on one machine's disk: a Gateway on another database cannot read the cookie.
        (await database.RowsAsync("data_protection_keys")).ShouldNotBeEmpty();
        var onElsewhere = new HttpRequestMessage(HttpMethod.Get, "/api/auth/me") { Headers = { { "Cookie", cookie } } };
        await (await elsewhere.Client().SendAsync(onElsewhere)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        // The key ring is first read after the migrations made its table, on either Gateway.
        foreach (var gateway in new[] { first, second })
            gateway.Logs.Entries.ShouldNotContain(e => e.StartsWith("Error", StringComparison.Ordinal) || e.StartsWith("Critical", StringComparison.Ordinal));
    }
}
