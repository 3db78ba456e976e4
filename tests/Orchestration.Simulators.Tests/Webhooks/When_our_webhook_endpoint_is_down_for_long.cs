using Orchestration.Simulators.Webhooks;

namespace Orchestration.Simulators.Tests.Webhooks;

/// <summary>
/// Providers keep retrying a delivery that fails, with growing waits, for days (Stripe: three): an outage of our
/// endpoint delays an event and never loses it. Only the waits are shortened here, by configuration; how long the
/// simulators keep trying is their default.
/// </summary>
public sealed class When_our_webhook_endpoint_is_down_for_long() : SimulatorsTest(o =>
{
    o.Screening.Enabled = true;
    var defaults = new WebhookOptions();
    o.Screening.Webhook.MaxAttempts = defaults.MaxAttempts;
    o.Screening.Webhook.GiveUpAfter = defaults.GiveUpAfter;
    o.Screening.Webhook.FirstRetryDelay = TimeSpan.FromMilliseconds(20);
    o.Screening.Webhook.MaxRetryDelay = TimeSpan.FromMilliseconds(50);
})
{
    [Fact]
    public async Task Should_keep_retrying_past_any_short_outage_and_deliver_once_it_is_up()
    {
        var port = FreePort.Next();
        using (var endpoint = await Harness.Screening.PutAsJsonAsync("/_sim/webhooks/endpoint", new { url = $"http://127.0.0.1:{port}/webhooks" }))
            endpoint.StatusCode.ShouldBe(HttpStatusCode.OK);

        using var screening = await Screening.When_an_applicant_is_screened.Request(Harness.Screening, "ada@example.com");
        screening.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        await AttemptsFailedAsync(30);
        await using var lateReceiver = await WebhookReceiver.StartAsync(port);
        lateReceiver.AnswerNext(503, 429, 500);

        var attempts = await lateReceiver.WaitForAsync(4, timeout: TimeSpan.FromSeconds(15));
        attempts.Select(a => a.AnsweredWith).ShouldBe([503, 429, 500, 200]);
        attempts.Select(a => a.EventId).Distinct().ShouldHaveSingleItem();
        SignatureCheck.IsValid(attempts[^1].Header("X-Signature"), attempts[^1].Body, Harness.Options.Screening.Webhook.Secret).ShouldBeTrue();
    }

    async Task AttemptsFailedAsync(int count)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(20); DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            var sent = await Harness.SentEventsAsync(Harness.Screening);
            if (sent.Length == 1 && sent[0].GetProperty("attempts").GetArrayLength() >= count)
                return;
        }
        throw new TimeoutException($"Fewer than {count} delivery attempts within 20 s.");
    }
}

/// <summary>A delivery still failing when the provider's retry period is over is given up, as providers do.</summary>
public sealed class When_our_webhook_endpoint_stays_down() : SimulatorsTest(o =>
{
    o.Screening.Enabled = true;
    o.Screening.Webhook.MaxAttempts = new WebhookOptions().MaxAttempts;
    o.Screening.Webhook.GiveUpAfter = TimeSpan.FromSeconds(1);
    o.Screening.Webhook.FirstRetryDelay = TimeSpan.FromMilliseconds(20);
    o.Screening.Webhook.MaxRetryDelay = TimeSpan.FromMilliseconds(100);
})
{
    [Fact]
    public async Task Should_give_up_once_the_retry_period_is_over()
    {
        Harness.Receiver.AnswerNext([.. Enumerable.Repeat(500, 1000)]);

        using var screening = await Screening.When_an_applicant_is_screened.Request(Harness.Screening, "ada@example.com");
        await Task.Delay(TimeSpan.FromSeconds(2));
        var attempts = Harness.Receiver.Received.Count;
        await Task.Delay(TimeSpan.FromSeconds(1));

        attempts.ShouldBeGreaterThan(5);
        Harness.Receiver.Received.Count.ShouldBe(attempts);
    }
}
