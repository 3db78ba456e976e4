namespace Orchestration.Simulators.Tests.Payments;

/// <summary>Stripe's own Node library is the judge of whether our Stripe-Signature is Stripe's.</summary>
public sealed class When_stripe_verifies_the_signature() : SimulatorsTest(o =>
{
    o.Payments.Enabled = true;
    o.Payments.Webhook.Secret = "whsec_" + Guid.NewGuid().ToString("N");
})
{
    [Fact]
    public async Task Should_be_accepted_by_stripe_webhooks_construct_event()
    {
        using var _ = await StripeRequests.PayAsync(Harness.Payments, 4200);
        var webhook = (await Harness.Receiver.WaitForAsync(1))[0];

        var result = await Verify(webhook.Body, webhook.Header("Stripe-Signature"), Harness.Options.Payments.Webhook.Secret);

        result.StandardError.ShouldBeEmpty();
        result.ExitCode.ShouldBe(0);
        var constructed = JsonSerializer.Deserialize<JsonElement>(result.StandardOutput);
        constructed.Text("id").ShouldBe(webhook.EventId);
        constructed.Text("type").ShouldBe("payment_intent.succeeded");
    }

    [Fact]
    public async Task Should_be_refused_by_stripe_for_an_altered_payload()
    {
        using var _ = await StripeRequests.PayAsync(Harness.Payments, 4200);
        var webhook = (await Harness.Receiver.WaitForAsync(1))[0];

        var result = await Verify(webhook.Body.Replace("4200", "4300", StringComparison.Ordinal), webhook.Header("Stripe-Signature"), Harness.Options.Payments.Webhook.Secret);

        result.ExitCode.ShouldBe(1);
        result.StandardError.ShouldContain("StripeSignatureVerificationError");
    }

    [Fact]
    public async Task Should_generate_test_headers_for_webhook_tests_of_our_own_endpoints()
    {
        const string payload = """{"id":"evt_test","object":"event","type":"payment_intent.succeeded"}""";

        var header = await NodePeers.RunAsync("stripe-test-header.js", payload, "--secret", "whsec_gateway_tests");

        header.ExitCode.ShouldBe(0);
        header.StandardOutput.ShouldStartWith("t=");
        SignatureCheck.IsValid(header.StandardOutput, payload, "whsec_gateway_tests").ShouldBeTrue();
    }

    static Task<NodeResult> Verify(string payload, string header, string secret) =>
        NodePeers.RunAsync("verify-stripe-signature.js", JsonSerializer.Serialize(new { payload, header, secret }));
}
