using System.Globalization;
using SimulatedSignature = Orchestration.Simulators.Webhooks.WebhookSignature;

namespace Orchestration.Gateway.Tests;

public sealed class When_a_webhook_signature_is_checked
{
    static readonly byte[] Body = Encoding.UTF8.GetBytes("""{"id":"evt_1","type":"screening.completed"}""");

    [Fact]
    public void Should_accept_the_providers_signature_and_refuse_any_other()
    {
        var now = DateTimeOffset.UtcNow;
        var header = SimulatedSignature.Create("secret", now.ToUnixTimeSeconds(), Body);

        WebhookSignature.Verify(header, Body, "secret", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.Valid);
        WebhookSignature.Verify(header, Body, "other", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.Mismatch);
        WebhookSignature.Verify(header, [.. Body, (byte)' '], "secret", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.Mismatch);
        WebhookSignature.Verify(header, Body, "secret", now.AddSeconds(301), TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.OutsideTolerance);
        WebhookSignature.Verify(null, Body, "secret", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.Missing);
        WebhookSignature.Verify(header, Body, "", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.NotConfigured);
    }

    [Fact]
    public void Should_check_stripes_signature_with_stripe_net_accepting_any_of_several_v1()
    {
        var now = DateTimeOffset.UtcNow;
        var seconds = now.ToUnixTimeSeconds();
        var json = Encoding.UTF8.GetString(Body);
        var header = SimulatedSignature.Create("whsec_new", seconds, Body);
        var rolled = $"t={seconds},v1={Stripe.EventUtility.ComputeSignature("whsec_old", seconds.ToString(CultureInfo.InvariantCulture), json)},"
            + $"v1={Stripe.EventUtility.ComputeSignature("whsec_new", seconds.ToString(CultureInfo.InvariantCulture), json)}";

        PaymentEvents.Verify(header, Body, "whsec_new", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.Valid);
        PaymentEvents.Verify(rolled, Body, "whsec_old", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.Valid);
        PaymentEvents.Verify(rolled, Body, "whsec_new", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.Valid);
        PaymentEvents.Verify(header, Body, "whsec_other", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.Mismatch);
        PaymentEvents.Verify(header, [.. Body, (byte)' '], "whsec_new", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.Mismatch);
        PaymentEvents.Verify(header, [.. Body, 0xff], "whsec_new", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.Mismatch);
        PaymentEvents.Verify(header, Body, "whsec_new", now.AddSeconds(301), TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.OutsideTolerance);
        PaymentEvents.Verify(header, Body, "whsec_new", now.AddSeconds(-301), TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.OutsideTolerance);
        PaymentEvents.Verify(header, Body, "whsec_new", now.AddSeconds(300), TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.Valid);
        PaymentEvents.Verify("t=1,garbage", Body, "whsec_new", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.Mismatch);
        PaymentEvents.Verify(null, Body, "whsec_new", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.Missing);
        PaymentEvents.Verify(header, Body, "", now, TimeSpan.FromMinutes(5)).ShouldBe(SignatureCheck.NotConfigured);
    }

    [Fact]
    public async Task Should_refuse_a_wrong_signature_with_problem_details()
    {
        await using var gateway = await GatewayHost.StartAsync();

        var response = await gateway.PostAsync("screening", ProviderPayloads.ScreeningCompleted("evt_wrong", Guid.NewGuid()), secret: "not_the_secret");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await gateway.ReceiptCountAsync("screening")).ShouldBe(0);
    }

    [Fact]
    public async Task Should_refuse_a_signature_older_than_five_minutes()
    {
        await using var gateway = await GatewayHost.StartAsync();

        var response = await gateway.PostAsync("esign", ProviderPayloads.EnvelopeEvent("evt_old", "envelope.signed", $"lease-{Guid.NewGuid():N}"),
            signedAt: DateTimeOffset.UtcNow.AddSeconds(-301));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await gateway.ReceiptCountAsync("esignature")).ShouldBe(0);
    }

    [Fact]
    public async Task Should_refuse_malformed_json_with_problem_details()
    {
        await using var gateway = await GatewayHost.StartAsync();

        var response = await gateway.PostAsync("payments", """{"id":"evt_broken","type":""");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain("Malformed webhook body");
    }

    [Fact]
    public async Task Should_accept_a_stripe_signature_made_by_stripes_own_library()
    {
        await using var gateway = await GatewayHost.StartAsync();
        var leaseId = Guid.NewGuid();
        var payload = ProviderPayloads.PaymentIntentEvent("evt_stripe_library", "payment_intent.succeeded", leaseId, 370000);

        var header = await StripeTestHeader.GenerateAsync(GatewayHost.PaymentsSecret, payload);
        var response = await gateway.PostSignedAsync("payments", Encoding.UTF8.GetBytes(payload), "Stripe-Signature", header);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var received = (await gateway.Published.SettledAsync<PaymentIntentSucceeded>(TimeSpan.Zero)).ShouldHaveSingleItem();
        received.LeaseId.ShouldBe(leaseId);
        received.PaymentIntentId.ShouldBe("pi_test_1");
        received.Amount.ShouldBe(new Orchestration.Messages.Money(3700.00m, "USD"));
    }
}
