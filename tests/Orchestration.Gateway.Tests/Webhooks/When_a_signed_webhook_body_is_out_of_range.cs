namespace Orchestration.Gateway.Tests.Webhooks;

/// <summary>
/// Correctly signed bodies that no provider sends: a provider retries a 5xx for days, so each must be a 400 with a
/// problem body that says what is wrong, and nothing may be stored.
/// </summary>
public sealed class When_a_signed_webhook_body_is_out_of_range
{
    public static TheoryData<string, string, string, string> Bodies()
    {
        var lease = $"lease-{Guid.NewGuid():N}";
        var longId = "evt_" + Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(5_000));
        var data = new TheoryData<string, string, string, string>();
        foreach (var provider in TestDatabase.Providers)
        {
            data.Add(provider, "payments", "payments",
                """{"id":"evt_big","type":"payment_intent.succeeded","created":99999999999999,"data":{"object":{"id":"pi_1","amount":100,"currency":"usd","metadata":{"lease_id":"LEASE"}}}}""".Replace("LEASE", Guid.NewGuid().ToString(), StringComparison.Ordinal));
            data.Add(provider, "payments", "payments", """{"id":"\ud800","type":"payment_intent.succeeded"}""");
            data.Add(provider, "esign", "esignature", """{"id":"\ud800","type":"envelope.signed"}""");
            data.Add(provider, "screening", "screening", """{"id":"\ud800","type":"screening.completed"}""");
            data.Add(provider, "screening", "screening",
                """{"id":"evt_s","type":"screening.completed","screening":{"id":"scr_1","reference":"LEASE","decision":"approved","reason":"\udfff"}}""".Replace("LEASE", lease, StringComparison.Ordinal));
            data.Add(provider, "esign", "esignature",
                """{"id":"evt_e","type":"envelope.signed","createdAt":"\ud800","envelope":{"id":"env_1","reference":"LEASE"}}""".Replace("LEASE", lease, StringComparison.Ordinal));
            data.Add(provider, "payments", "payments", $$$"""{"id":"{{{longId}}}","type":"charge.refunded"}""");
            data.Add(provider, "esign", "esignature", $$$"""{"id":"{{{longId}}}","type":"envelope.sent"}""");
            data.Add(provider, "screening", "screening", """{"id":"evt_\u0000nul","type":"screening.started"}""");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task Should_answer_400_with_problem_details_and_store_nothing(string provider, string route, string receipts, string body)
    {
        await using var gateway = await GatewayHost.StartAsync(provider: provider);

        var response = await gateway.PostAsync(route, body);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await gateway.ReceiptCountAsync(receipts)).ShouldBe(0);
    }
}
