namespace Orchestration.Gateway.Tests.Webhooks;

/// <summary>
/// <c>X-Event-Id</c> is not covered by the signature, so a captured delivery replayed with a new header value must
/// still be the same event: the deduplication key comes from signed content only.
/// </summary>
public sealed class When_an_event_id_comes_only_from_a_header
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Should_take_a_replay_with_another_header_as_the_same_event(string provider)
    {
        await using var gateway = await GatewayHost.StartAsync(provider: provider);
        var leaseId = Guid.NewGuid();
        var body = """{"type":"screening.completed","screening":{"id":"scr_replayed","reference":"LEASE","decision":"approved"}}"""
            .Replace("LEASE", $"lease-{leaseId:N}", StringComparison.Ordinal);
        var signedAt = DateTimeOffset.UtcNow;

        var first = await gateway.PostAsync("screening", body, signedAt, eventId: "a");
        var replay = await gateway.PostAsync("screening", body, signedAt, eventId: "b");

        first.StatusCode.ShouldBe(HttpStatusCode.OK);
        replay.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("duplicate").GetBoolean().ShouldBeTrue();
        (await gateway.ReceiptCountAsync("screening")).ShouldBe(1);
        (await gateway.Published.SettledAsync<ScreeningResultReported>()).ShouldHaveSingleItem().LeaseId.ShouldBe(leaseId);
    }
}
