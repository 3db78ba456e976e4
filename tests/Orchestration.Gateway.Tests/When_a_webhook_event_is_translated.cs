namespace Orchestration.Gateway.Tests;

public sealed class When_a_webhook_event_is_translated
{
    [Fact]
    public async Task Should_report_the_tenant_signature_and_the_countersignature_to_leasing()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var leaseId = Guid.NewGuid();

        (await gateway.PostAsync("esign", ProviderPayloads.EnvelopeEvent("evt_signed", "envelope.signed", $"lease-{leaseId:N}"))).StatusCode
            .ShouldBe(HttpStatusCode.OK);
        (await gateway.PostAsync("esign", ProviderPayloads.EnvelopeEvent("evt_completed", "envelope.completed", $"lease-{leaseId:N}"))).StatusCode
            .ShouldBe(HttpStatusCode.OK);

        var signed = (await gateway.Published.SettledAsync<TenantSignatureReported>(TimeSpan.Zero)).ShouldHaveSingleItem();
        signed.LeaseId.ShouldBe(leaseId);
        signed.EnvelopeId.ShouldBe("env_test");
        signed.EventId.ShouldBe("evt_signed");
        var countersigned = (await gateway.Published.SettledAsync<CountersignatureReported>(TimeSpan.Zero)).ShouldHaveSingleItem();
        countersigned.LeaseId.ShouldBe(leaseId);
        countersigned.EnvelopeId.ShouldBe("env_test");
        countersigned.CountersignedBy.ShouldBe("landlord@example.com");
        gateway.Published.Received.OfType<TenantSigned>().ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_keep_an_event_of_a_type_we_do_not_use_and_publish_nothing()
    {
        await using var gateway = await GatewayHost.StartAsync();

        var response = await gateway.PostAsync("esign", ProviderPayloads.EnvelopeEvent("evt_sent", "envelope.sent", reference: null));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await gateway.ReceiptCountAsync("esignature")).ShouldBe(1);
        await Task.Delay(500);
        gateway.Published.Received.ShouldBeEmpty();
    }

    [Fact]
    public async Task Should_answer_429_with_problem_details_beyond_the_rate_limit()
    {
        await using var gateway = await GatewayHost.StartAsync(new Dictionary<string, string?>
        {
            ["Gateway:Webhooks:RateLimit:PermitLimit"] = "2",
            ["Gateway:Webhooks:RateLimit:Window"] = "00:01:00",
        });

        var responses = new List<HttpResponseMessage>();
        for (var delivery = 0; delivery < 3; delivery++)
            responses.Add(await gateway.PostAsync("esign", ProviderPayloads.EnvelopeEvent($"evt_limit_{delivery}", "envelope.sent", null)));

        responses.Take(2).ShouldAllBe(response => response.StatusCode == HttpStatusCode.OK);
        responses[2].StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        responses[2].Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
    }
}
