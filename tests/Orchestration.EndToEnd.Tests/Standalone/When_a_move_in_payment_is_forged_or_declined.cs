namespace Orchestration.EndToEnd.Tests.Standalone;

/// <summary>
/// A lease waits for its move-in funds after the saved card was declined. Signed payment events that are not the
/// payment asked for (a made-up intent, a cent, another currency, nothing at all, another lease) are accepted with 200
/// and shown to staff as discrepancies, and the lease does not move; the tenant then pays on the gateway's hosted page
/// the decline email links to, and the lease becomes active. Real processes and real HTTP throughout.
/// </summary>
public sealed class When_a_move_in_payment_is_forged_or_declined
{
    static string PaymentEvent(string type, string intentId, long amount, string currency, Guid? leaseId, string? moveInRequest = null) =>
        JsonSerializer.Serialize(new
        {
            id = $"evt_{Guid.NewGuid():N}",
            @object = "event",
            type,
            created = DateTimeOffset.UtcNow.ToUnixTimeSeconds(),
            data = new
            {
                @object = new
                {
                    id = intentId,
                    @object = "payment_intent",
                    amount,
                    amount_received = amount,
                    currency,
                    status = "succeeded",
                    metadata = leaseId is { } lease
                        ? new Dictionary<string, string?> { ["lease_id"] = lease.ToString(), ["move_in_request"] = moveInRequest }
                        : null,
                },
            },
        });

    [Fact]
    public async Task Should_move_the_lease_only_on_the_payment_asked_for_and_show_staff_the_rest()
    {
        await using var run = new StandaloneRun();
        await run.StartAsync();
        using var staff = await run.SignInAsync();
        var propertyId = await staff.CreatePropertyAsync("Ledger Lofts", "2 Audit Avenue", "Portland", "OR", "97205");
        var unitId = await staff.CreateUnitAsync(propertyId, "L1", bedrooms: 1, squareFeet: 600);
        var email = $"tenant.{Guid.NewGuid():N}@example.com";
        // 1850.01 + 1850.01 = 3700.02: the gateway declines an amount ending in 02 on the saved card.
        var leaseId = (await staff.PostAsync("/api/lease-applications", new
        {
            propertyId, unitId, applicantName = "Ada Lovelace", applicantEmail = email, monthlyRent = 1850.01m, securityDeposit = 1850.01m,
            currency = "USD", leaseStart = LeaseTerm.Start, leaseEnd = LeaseTerm.End,
        }, HttpStatusCode.Accepted)).GetProperty("leaseId").GetGuid();

        async Task<string?> StateAsync() => (await staff.GetAsync($"/api/leases/{leaseId}"))?.GetProperty("state").GetString();
        await Eventually.HoldsAsync(async () => await StateAsync() == "AwaitingMoveInFunds" && (await run.PaymentPageLinksAsync(email)).Count > 0,
            TimeSpan.FromSeconds(60), "the saved card was declined and the tenant was sent the payment page");
        var page = (await run.PaymentPageLinksAsync(email)).ShouldHaveSingleItem();
        var secret = Uri.UnescapeDataString(page.Segments[^1]);
        var intentId = secret[..secret.IndexOf("_secret_", StringComparison.Ordinal)];
        var request = $"lease-{leaseId:N}-move-in";

        string[] forged =
        [
            PaymentEvent("payment_intent.succeeded", "pi_made_up", 1, "usd", leaseId),
            PaymentEvent("payment_intent.succeeded", intentId, 1, "usd", leaseId, request),
            PaymentEvent("payment_intent.succeeded", intentId, 370002, "eur", leaseId, request),
            PaymentEvent("payment_intent.succeeded", intentId, 0, "jpy", leaseId, request),
            PaymentEvent("payment_intent.succeeded", "pi_from_elsewhere", 370002, "usd", leaseId: null),
            PaymentEvent("payment_intent.succeeded", "pi_other_lease", 370002, "usd", Guid.NewGuid()),
        ];
        foreach (var body in forged)
            (await run.PaymentWebhookAsync(body)).StatusCode.ShouldBe(HttpStatusCode.OK, body);

        await Eventually.HoldsAsync(async () => (await staff.GetAsync($"/api/discrepancies?leaseId={leaseId}"))?.GetProperty("total").GetInt64() == 4,
            TimeSpan.FromSeconds(30), "the four events naming the lease are kept as discrepancies");
        await Eventually.HoldsAsync(async () => (await staff.GetAsync("/api/discrepancies?provider=payments"))?.GetProperty("total").GetInt64() == 6,
            TimeSpan.FromSeconds(30), "the two events naming no lease of ours are kept too");
        (await staff.GetAsync($"/api/discrepancies?leaseId={leaseId}&kind=mismatch")).ShouldNotBeNull().GetProperty("total").GetInt64().ShouldBe(3);
        (await StateAsync()).ShouldBe("AwaitingMoveInFunds");

        using var tenant = new HttpClient();
        (await tenant.GetStringAsync(page)).ShouldContain("3,700.02 USD");
        using var paid = await tenant.PostAsync(page, new FormUrlEncodedContent([KeyValuePair.Create("payment_method", "pm_card_visa")]));
        paid.StatusCode.ShouldBe(HttpStatusCode.OK);

        await Eventually.HoldsAsync(async () => await StateAsync() == "Active", TimeSpan.FromSeconds(60), "the lease became active once paid");
        // The timeline is projected from events of its own, which may arrive after the state's.
        List<JsonElement> received = [];
        await Eventually.HoldsAsync(async () =>
        {
            received = [.. (await staff.GetAsync($"/api/leases/{leaseId}")).ShouldNotBeNull().GetProperty("timeline").EnumerateArray()
                .Where(step => step.GetProperty("step").GetString() == "MoveInFundsReceived")];
            return received.Count > 0;
        }, TimeSpan.FromSeconds(30), "the timeline shows the funds received");
        received.ShouldHaveSingleItem().GetProperty("detail").GetString().ShouldBe("3,700.02 USD");
        (await staff.GetAsync($"/api/discrepancies?leaseId={leaseId}")).ShouldNotBeNull().GetProperty("total").GetInt64().ShouldBe(4);
    }
}
