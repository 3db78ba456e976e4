namespace Orchestration.Simulators.Tests.Payments;

/// <summary>
/// Refunds of one payer's payments arranged to stay <c>pending</c> (<c>/_sim/payment_rules</c> with <c>refunds=pending</c>),
/// then settled by the payer's bank on demand (<c>/_sim/refunds/{id}/settle</c>): a refund that succeeds keeps its amount
/// refunded, one that fails gives it back to the charge; <c>charge.refunded</c> reports the charge again either way.
/// </summary>
public sealed class When_a_refund_settles_later() : SimulatorsTest(o => o.Payments.Enabled = true)
{
    async Task<(string Intent, string Refund)> PendingRefundAsync(string payer)
    {
        using var controls = new HttpClient { BaseAddress = Harness.Simulators.Payments };
        using var arranged = await StripeRequests.PostAsync(controls, "/_sim/payment_rules", null, ("metadata[lease_id]", payer), ("refunds", "pending"));
        arranged.StatusCode.ShouldBe(HttpStatusCode.OK);
        using var paid = await StripeRequests.PostAsync(Harness.Payments, "/v1/payment_intents", null, ("amount", "10000"), ("currency", "usd"),
            ("confirm", "true"), ("payment_method", "pm_card_visa"), ("metadata[lease_id]", payer));
        var intentId = (await paid.JsonAsync()).Text("id");
        using var refunded = await StripeRequests.PostAsync(Harness.Payments, "/v1/refunds", null, ("payment_intent", intentId), ("amount", "4000"));
        var refund = await refunded.JsonAsync();
        refund.Text("status").ShouldBe("pending");
        return (intentId, refund.Text("id"));
    }

    async Task<HttpResponseMessage> SettleAsync(string refundId, string outcome)
    {
        using var controls = new HttpClient { BaseAddress = Harness.Simulators.Payments };
        return await StripeRequests.PostAsync(controls, $"/_sim/refunds/{refundId}/settle?outcome={outcome}", null);
    }

    [Fact]
    public async Task Should_answer_pending_and_report_the_refund_again_once_it_succeeds()
    {
        var (intentId, refundId) = await PendingRefundAsync("lease-r1");

        using var settled = await SettleAsync(refundId, "succeeded");

        (await settled.JsonAsync()).Text("status").ShouldBe("succeeded");
        using var retrieved = await Harness.Payments.GetAsync($"/v1/refunds/{refundId}");
        (await retrieved.JsonAsync()).Text("status").ShouldBe("succeeded");
        var reports = await Harness.Receiver.WaitForAsync(2, "charge.refunded");
        reports.Select(r => r.Json.GetProperty("data").GetProperty("object").Text("amount_refunded")).ShouldBe(["4000", "4000"]);
        reports.ShouldAllBe(r => r.Json.GetProperty("data").GetProperty("object").GetProperty("payment_intent").GetString() == intentId);
        (await SettleAsync(refundId, "failed")).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "a settled refund settles once");
    }

    [Fact]
    public async Task Should_give_a_failed_refunds_amount_back_to_the_charge()
    {
        var (intentId, refundId) = await PendingRefundAsync("lease-r2");

        using var settled = await SettleAsync(refundId, "failed");

        (await settled.JsonAsync()).Text("status").ShouldBe("failed");
        var reports = await Harness.Receiver.WaitForAsync(2, "charge.refunded");
        reports.Select(r => r.Json.GetProperty("data").GetProperty("object").Text("amount_refunded")).ShouldBe(["4000", "0"], ignoreOrder: true);
        using var whole = await StripeRequests.PostAsync(Harness.Payments, "/v1/refunds", null, ("payment_intent", intentId));
        (await whole.JsonAsync()).Text("amount").ShouldBe("10000");
    }
}
