namespace Orchestration.Simulators.Tests.Payments;

/// <summary>
/// A payer's bank arranged ahead through <c>/_sim/payment_rules</c>, for outcomes the amount cannot choose: the next
/// payment of one payer declined and the one after it paid, or one payer's payment processing for a while before it
/// settles while every other payment settles at once.
/// </summary>
public sealed class When_a_payers_next_payments_are_arranged() : SimulatorsTest(o => o.Payments.Enabled = true)
{
    static Task<HttpResponseMessage> PayAsync(HttpClient payments, string payer) =>
        StripeRequests.PostAsync(payments, "/v1/payment_intents", null, ("amount", "185000"), ("currency", "usd"), ("confirm", "true"),
            ("payment_method", "pm_card_visa"), ("metadata[lease_id]", payer));

    async Task<HttpResponseMessage> ArrangeAsync(params (string Name, string Value)[] rule)
    {
        using var controls = new HttpClient { BaseAddress = Harness.Simulators.Payments };
        return await StripeRequests.PostAsync(controls, "/_sim/payment_rules", null, rule);
    }

    [Fact]
    public async Task Should_decline_the_payers_next_payment_for_insufficient_funds_and_pay_the_one_after()
    {
        (await ArrangeAsync(("metadata[lease_id]", "lease-a"), ("decline", "1"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var declined = await PayAsync(Harness.Payments, "lease-a");
        using var other = await PayAsync(Harness.Payments, "lease-b");
        using var retried = await PayAsync(Harness.Payments, "lease-a");

        declined.StatusCode.ShouldBe(HttpStatusCode.PaymentRequired);
        (await declined.JsonAsync()).GetProperty("error").Text("decline_code").ShouldBe("insufficient_funds");
        (await other.JsonAsync()).Text("status").ShouldBe("succeeded");
        (await retried.JsonAsync()).Text("status").ShouldBe("succeeded");
        var webhooks = await Harness.Receiver.WaitForAsync(3);
        webhooks.Select(w => w.Type).ShouldBe(["payment_intent.payment_failed", "payment_intent.succeeded", "payment_intent.succeeded"], ignoreOrder: true);
    }

    [Fact]
    public async Task Should_keep_the_payers_payment_processing_until_it_settles_while_others_settle_at_once()
    {
        (await ArrangeAsync(("metadata[lease_id]", "lease-c"), ("settle_after", "1"))).StatusCode.ShouldBe(HttpStatusCode.OK);

        using var debit = await PayAsync(Harness.Payments, "lease-c");
        using var card = await PayAsync(Harness.Payments, "lease-d");

        (await debit.JsonAsync()).Text("status").ShouldBe("processing");
        (await card.JsonAsync()).Text("status").ShouldBe("succeeded");
        var settled = await Harness.Receiver.WaitForAsync(2, "payment_intent.succeeded");
        settled.Select(w => w.Json.Text("data.object.metadata.lease_id")).ShouldBe(["lease-d", "lease-c"]);
        (await Harness.Receiver.WaitForAsync(1, "payment_intent.processing")).ShouldHaveSingleItem().Json.Text("data.object.metadata.lease_id")
            .ShouldBe("lease-c");
    }

    [Theory]
    [InlineData("decline=1")]
    [InlineData("metadata[lease_id]=x&decline=-1")]
    [InlineData("metadata[lease_id]=x&settle_after=soon")]
    [InlineData("metadata[lease_id]=x&metadata[other]=y")]
    [InlineData("metadata[lease_id]=x&amount=5")]
    public async Task Should_refuse_a_rule_that_names_no_single_payer_or_no_outcome_and_name_the_parameter(string form)
    {
        var rule = form.Split('&').Select(pair => pair.Split('=')).Select(pair => (pair[0], pair[1])).ToArray();

        using var refused = await ArrangeAsync(rule);

        refused.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await refused.JsonAsync()).GetProperty("error").Text("param").ShouldNotBeNullOrEmpty();
    }
}
