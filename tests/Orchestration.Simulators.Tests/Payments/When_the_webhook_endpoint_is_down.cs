namespace Orchestration.Simulators.Tests.Payments;

// Enough attempts to outlast starting the late receiver on a slow machine.
public sealed class When_the_webhook_endpoint_is_down() : SimulatorsTest(o =>
{
    o.Payments.Enabled = true;
    o.Payments.Webhook.MaxAttempts = 40;
    o.Payments.Webhook.MaxRetryDelay = TimeSpan.FromMilliseconds(200);
})
{
    [Fact]
    public async Task Should_keep_retrying_and_deliver_once_it_is_up()
    {
        var port = FreePort.Next();
        using (var endpoint = await Harness.Payments.PutAsJsonAsync("/_sim/webhooks/endpoint", new { url = $"http://127.0.0.1:{port}/webhooks" }))
            endpoint.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var _ = await StripeRequests.PayAsync(Harness.Payments, 3000);
        await FirstAttemptFailed();
        await using var lateReceiver = await WebhookReceiver.StartAsync(port);

        var delivered = (await lateReceiver.WaitForAsync(1)).ShouldHaveSingleItem();
        delivered.Type.ShouldBe("payment_intent.succeeded");
        SignatureCheck.IsValid(delivered.Header("Stripe-Signature"), delivered.Body, Harness.Options.Payments.Webhook.Secret).ShouldBeTrue();
        Harness.Receiver.Received.ShouldBeEmpty();
    }

    async Task FirstAttemptFailed()
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(10); DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            var attempts = (await Harness.SentEventsAsync(Harness.Payments)).Single().GetProperty("attempts");
            if (attempts.GetArrayLength() > 0)
            {
                attempts[0].IsNull("statusCode").ShouldBeTrue();
                return;
            }
        }
        throw new TimeoutException("No delivery attempt within 10 s.");
    }
}
