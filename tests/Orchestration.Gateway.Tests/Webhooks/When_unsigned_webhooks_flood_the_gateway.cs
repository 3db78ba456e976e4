namespace Orchestration.Gateway.Tests.Webhooks;

/// <summary>
/// Junk posted to a webhook route must not use up what the providers may send: a genuine delivery after a flood of
/// unsigned posts from the same address is still received and acted on.
/// </summary>
public sealed class When_unsigned_webhooks_flood_the_gateway
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_still_receive_a_genuine_delivery(string provider)
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Webhooks:RateLimit:PermitLimit"] = "100",
            ["Gateway:Webhooks:RateLimit:Window"] = "00:05:00",
        }, provider);

        var junk = new List<HttpStatusCode>();
        foreach (var route in Enumerable.Repeat(new[] { "esign", "payments", "screening" }, 100).SelectMany(routes => routes))
        {
            using var content = new StringContent("x");
            junk.Add((await gateway.Http.PostAsync($"/webhooks/{route}", content)).StatusCode);
        }

        var leaseId = Guid.NewGuid();
        var genuine = await gateway.PostAsync("esign", ProviderPayloads.EnvelopeEvent("evt_genuine", "envelope.signed", $"lease-{leaseId:N}"));

        junk.ShouldAllBe(status => status == HttpStatusCode.BadRequest || status == HttpStatusCode.TooManyRequests);
        genuine.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gateway.Published.SettledAsync<TenantSignatureReported>()).ShouldHaveSingleItem().LeaseId.ShouldBe(leaseId);
    }
}
