namespace Orchestration.Simulators.Tests.Screening;

public sealed class When_an_applicant_is_screened() : SimulatorsTest(o => o.Screening.Enabled = true)
{
    [Theory]
    [InlineData("ada@example.com", "approved", null)]
    [InlineData("ada.decline@example.com", "declined", "credit_score_below_threshold")]
    [InlineData("eviction.history@example.com", "declined", "prior_eviction")]
    [InlineData("low-income@example.com", "declined", "insufficient_income")]
    public async Task Should_answer_pending_then_deliver_the_decision_the_address_asks_for(string email, string decision, string? reason)
    {
        using var response = await Request(Harness.Screening, email);

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var pending = await response.JsonAsync();
        pending.Text("status").ShouldBe("pending");
        var webhook = (await Harness.Receiver.WaitForAsync(1, "screening.completed")).ShouldHaveSingleItem();
        SignatureCheck.IsValid(webhook.Header("X-Signature"), webhook.Body, Harness.Options.Screening.Webhook.Secret).ShouldBeTrue();
        SignatureCheck.IsValid(webhook.Header("X-Signature"), webhook.Body, Harness.Options.ESignature.Webhook.Secret).ShouldBeFalse();
        webhook.Header("X-Event-Id").ShouldBe(webhook.EventId);
        var screening = webhook.Json.GetProperty("screening");
        screening.Text("id").ShouldBe(pending.Text("id"));
        screening.Text("decision").ShouldBe(decision);
        (screening.GetProperty("reason").ValueKind == JsonValueKind.Null ? null : screening.Text("reason.code")).ShouldBe(reason);
    }

    [Fact]
    public async Task Should_run_a_repeated_request_once()
    {
        using var first = await Request(Harness.Screening, "ada@example.com", "screen-lease-42");
        using var repeat = await Request(Harness.Screening, "ada@example.com", "screen-lease-42");

        (await repeat.JsonAsync()).Text("id").ShouldBe((await first.JsonAsync()).Text("id"));
        await Harness.Receiver.WaitForAsync(1);
        await Task.Delay(200);
        Harness.Receiver.Received.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Should_refuse_an_applicant_without_a_valid_address()
    {
        using var response = await Request(Harness.Screening, "nobody");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.JsonAsync()).Text("error.field").ShouldBe("applicant.email");
    }

    internal static async Task<HttpResponseMessage> Request(HttpClient client, string email, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/screenings")
        {
            Content = JsonContent.Create(new { applicant = new { name = "Ada Lovelace", email }, reference = "lease-42" }),
        };
        if (idempotencyKey is not null)
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        return await client.SendAsync(request);
    }
}
