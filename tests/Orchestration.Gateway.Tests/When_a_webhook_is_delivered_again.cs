namespace Orchestration.Gateway.Tests;

public sealed class When_a_webhook_is_delivered_again
{
    [Fact]
    public async Task Should_answer_200_every_time_and_publish_once()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var leaseId = Guid.NewGuid();
        var payload = ProviderPayloads.ScreeningCompleted("evt_screening_repeated", leaseId, "declined", "prior_eviction");

        for (var delivery = 0; delivery < 5; delivery++)
            (await gateway.PostAsync("screening", payload, eventId: "evt_screening_repeated")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var completed = (await gateway.Published.SettledAsync<ScreeningResultReported>()).ShouldHaveSingleItem();
        completed.LeaseId.ShouldBe(leaseId);
        completed.Approved.ShouldBeFalse();
        completed.Reason.ShouldBe("prior_eviction");
        completed.ScreeningId.ShouldStartWith("scr_");
        (await gateway.ReceiptCountAsync("screening")).ShouldBe(1);
    }

    [Fact]
    public async Task Should_publish_once_when_the_deliveries_arrive_together()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var payload = ProviderPayloads.PaymentIntentEvent("evt_payment_concurrent", "payment_intent.payment_failed", Guid.NewGuid(), 185002);

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => gateway.PostAsync("payments", payload)));

        responses.ShouldAllBe(response => response.StatusCode == HttpStatusCode.OK);
        var failed = (await gateway.Published.SettledAsync<PaymentIntentFailed>()).ShouldHaveSingleItem();
        failed.Reason.ShouldBe("Your card was declined.");
        failed.PaymentIntentId.ShouldBe("pi_test_1");
    }
}
