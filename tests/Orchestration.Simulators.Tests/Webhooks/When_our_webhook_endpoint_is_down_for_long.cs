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
    o.Screening.Webhook.GiveUpAfter = GiveUpAfter;
    o.Screening.Webhook.FirstRetryDelay = TimeSpan.FromMilliseconds(20);
    o.Screening.Webhook.MaxRetryDelay = TimeSpan.FromMilliseconds(100);
})
{
    static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task Should_give_up_once_the_retry_period_is_over()
    {
        Harness.Receiver.AnswerNext([.. Enumerable.Repeat(500, 1000)]);

        using var screening = await Screening.When_an_applicant_is_screened.Request(Harness.Screening, "ada@example.com");
        // Retries come at most 100 ms apart; a second without one, well after the period, means the simulator gave up.
        var attempts = 0;
        for (var deadline = DateTime.UtcNow.AddSeconds(20); ; await Task.Delay(TimeSpan.FromSeconds(1)))
        {
            var now = Harness.Receiver.Received.Count;
            if (now > 0 && now == attempts)
                break;
            DateTime.UtcNow.ShouldBeLessThan(deadline, "the simulator was still retrying 20 s after a 1 s retry period");
            attempts = now;
        }

        var sent = (await Harness.SentEventsAsync(Harness.Screening)).ShouldHaveSingleItem();
        var tried = sent.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("at").GetDateTimeOffset()).ToList();
        tried.Count.ShouldBe(attempts);
        tried.Count.ShouldBeGreaterThan(2, "a failing delivery is retried, not given up at once");
        var createdAt = sent.GetProperty("createdAt").GetDateTimeOffset();
        // A retry is only scheduled within the period; the second allows for a late timer on a loaded machine.
        (tried[^1] - createdAt).ShouldBeLessThan(GiveUpAfter + TimeSpan.FromSeconds(1), "no retry scheduled past the retry period");
        (tried[^1] - createdAt).ShouldBeGreaterThan(GiveUpAfter / 2, "retried through the retry period, not stopped early");
        sent.GetProperty("delivered").GetInt32().ShouldBe(0);
    }
}
