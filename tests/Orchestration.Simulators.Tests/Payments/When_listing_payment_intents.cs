namespace Orchestration.Simulators.Tests.Payments;

/// <summary>
/// The payment simulator's list of intents, read by Stripe.net's own <c>ListAsync</c> and auto-paging: newest first, a
/// creation range, pages joined by <c>starting_after</c>, and Stripe's refusals of a bad query.
/// </summary>
public sealed class When_listing_payment_intents() : SimulatorsTest(o => o.Payments.Enabled = true)
{
    [Fact]
    public async Task Should_page_through_every_intent_of_the_range_newest_first_with_stripe_net()
    {
        using var http = new HttpClient();
        var intents = When_stripe_net_reads_the_payment_simulator.Client(Harness, http, Harness.Options.Payments.SecretKey).V1.PaymentIntents;
        var since = DateTimeOffset.UtcNow.AddSeconds(-1);
        var ids = new List<string>();
        foreach (var amount in Enumerable.Range(0, 7).Select(i => 10000L + i * 100))
            ids.Add((await intents.CreateAsync(When_stripe_net_reads_the_payment_simulator.Charge(amount))).Id);

        var range = new Stripe.PaymentIntentListOptions
        {
            Created = new Stripe.DateRangeOptions { GreaterThanOrEqual = since.UtcDateTime },
            Limit = 3,
        };
        var first = await intents.ListAsync(range);
        var all = new List<Stripe.PaymentIntent>();
        await foreach (var intent in intents.ListAutoPagingAsync(range))
            all.Add(intent);

        first.Data.Select(i => i.Id).ShouldBe(ids.AsEnumerable().Reverse().Take(3));
        first.HasMore.ShouldBeTrue();
        all.Select(i => i.Id).ShouldBe(ids.AsEnumerable().Reverse());
        all.ShouldAllBe(i => i.Status == "succeeded" && i.AmountReceived == i.Amount);
        (await intents.ListAsync(new Stripe.PaymentIntentListOptions
        {
            Created = new Stripe.DateRangeOptions { GreaterThan = DateTime.UtcNow.AddMinutes(1) },
        })).Data.ShouldBeEmpty();
        When_stripe_net_reads_the_payment_simulator.ShouldMatch(first);
    }

    [Theory]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=101", "limit")]
    [InlineData("created[gte]=yesterday", "created[gte]")]
    [InlineData("starting_after=pi_unknown", "starting_after")]
    [InlineData("colour=blue", "colour")]
    public async Task Should_refuse_a_bad_query_naming_the_parameter(string query, string parameter)
    {
        using var response = await Harness.Payments.GetAsync($"/v1/payment_intents?{query}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetProperty("param").GetString().ShouldBe(parameter);
    }
}
