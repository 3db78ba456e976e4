namespace Orchestration.Simulators.Tests.Payments;

public sealed class When_refunding_a_payment() : SimulatorsTest(o => o.Payments.Enabled = true)
{
    [Fact]
    public async Task Should_refund_in_parts_until_nothing_is_left_and_announce_each_refund()
    {
        using var paid = await StripeRequests.PayAsync(Harness.Payments, 10_000);
        var intentId = (await paid.JsonAsync()).Text("id");

        using var part = await StripeRequests.PostAsync(Harness.Payments, "/v1/refunds", null, ("payment_intent", intentId), ("amount", "4000"));
        using var rest = await StripeRequests.PostAsync(Harness.Payments, "/v1/refunds", null, ("payment_intent", intentId));
        using var more = await StripeRequests.PostAsync(Harness.Payments, "/v1/refunds", null, ("payment_intent", intentId));

        var partRefund = await part.JsonAsync();
        partRefund.Text("id").ShouldStartWith("re_");
        partRefund.Text("amount").ShouldBe("4000");
        partRefund.Text("status").ShouldBe("succeeded");
        (await rest.JsonAsync()).Text("amount").ShouldBe("6000");
        more.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await more.JsonAsync()).Text("error.code").ShouldBe("charge_already_refunded");

        var refunds = await Harness.Receiver.WaitForAsync(2, "charge.refunded");
        var charges = refunds.Select(r => r.Json.GetProperty("data").GetProperty("object")).OrderBy(c => c.GetProperty("amount_refunded").GetInt64()).ToList();
        charges.Select(c => c.Text("amount_refunded")).ShouldBe(["4000", "10000"]);
        charges[^1].GetProperty("refunded").GetBoolean().ShouldBeTrue();
        charges[^1].Text("payment_intent").ShouldBe(intentId);
    }

    [Fact]
    public async Task Should_refuse_to_refund_more_than_was_paid()
    {
        using var paid = await StripeRequests.PayAsync(Harness.Payments, 10_000);
        var intentId = (await paid.JsonAsync()).Text("id");

        using var response = await StripeRequests.PostAsync(Harness.Payments, "/v1/refunds", null, ("payment_intent", intentId), ("amount", "10001"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.JsonAsync()).Text("error.code").ShouldBe("amount_too_large");
    }

    [Fact]
    public async Task Should_refuse_to_refund_a_failed_payment()
    {
        using var declined = await StripeRequests.PayAsync(Harness.Payments, 10_002);
        var intentId = (await declined.JsonAsync()).Text("error.payment_intent.id");

        using var response = await StripeRequests.PostAsync(Harness.Payments, "/v1/refunds", null, ("payment_intent", intentId));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }
}
