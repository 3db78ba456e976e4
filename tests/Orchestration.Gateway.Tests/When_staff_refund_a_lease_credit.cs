namespace Orchestration.Gateway.Tests;

/// <summary>
/// <c>POST /api/leases/{id}/refunds</c>: a refund of the lease's credit (its negative balance, deposits held excluded, as
/// the Gateway's copy of the ledger shows it) goes to Billing's queue once per <c>Idempotency-Key</c>; more than the
/// credit is refused with 422, bad input with 400 naming the field.
/// </summary>
public sealed class When_staff_refund_a_lease_credit(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    static readonly DateTimeOffset March1 = new(2031, 3, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A lease charged 1,000, paid 1,300, with a deposit of 1,000 held: a credit of 300.</summary>
    async Task<Guid> CreditedLeaseAsync()
    {
        var leaseId = Guid.NewGuid();
        foreach (var (kind, amount) in new[] { (LedgerEntryKind.Charge, 1000m), (LedgerEntryKind.Payment, -1300m), (LedgerEntryKind.DepositHeld, -1000m) })
        {
            var id = Guid.NewGuid();
            await Gateway.PublishAsync(new LedgerEntryRecorded
            {
                EntryId = Guid.NewGuid(), LeaseId = leaseId, Kind = kind, Amount = Money.Of(amount, "USD"), OccurredAt = March1, RecordedAt = March1,
            }, id);
            await Gateway.ConsumedAsync(id, $"{kind} projected");
        }
        return leaseId;
    }

    /// <summary>The credit refunds on Billing's rent-payments queue (RabbitMQ), taken off it.</summary>
    async Task<IReadOnlyList<JsonElement>> RefundCommandsAsync()
    {
        await using var connection = await TestServers.RabbitConnectionFactory(Gateway.VirtualHost).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var commands = new List<JsonElement>();
        try
        {
            while (await channel.BasicGetAsync(CommandRoutes.RentPayments, autoAck: true) is { } result)
            {
                using var envelope = JsonDocument.Parse(Encoding.UTF8.GetString(result.Body.Span));
                if (envelope.RootElement.GetProperty("messageType")[0].GetString()!.Contains(nameof(RefundLeaseCredit), StringComparison.Ordinal))
                    commands.Add(envelope.RootElement.GetProperty("message").Clone());
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The queue does not exist yet: nothing was ever sent to it.
        }

        return commands;
    }

    [Fact]
    public async Task Should_accept_a_refund_within_the_credit_once_per_idempotency_key()
    {
        var leaseId = await CreditedLeaseAsync();
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        accountant.DefaultRequestHeaders.Add("Idempotency-Key", Guid.NewGuid().ToString("N"));
        var body = new { amount = 300.00m, currency = "USD", reason = "Overpaid March rent" };

        var first = await accountant.PostAsJsonAsync($"/api/leases/{leaseId}/refunds", body);
        var again = await accountant.PostAsJsonAsync($"/api/leases/{leaseId}/refunds", body);

        first.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        again.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var refundId = (await first.JsonAsync()).GetProperty("refundId").GetGuid();
        (await again.JsonAsync()).GetProperty("refundId").GetGuid().ShouldBe(refundId);
        var sent = new List<JsonElement>();
        await Eventually.HoldsAsync(async () =>
        {
            sent.AddRange(await RefundCommandsAsync());
            return sent.Any(c => c.GetProperty("refundId").GetGuid() == refundId);
        }, TimeSpan.FromSeconds(15), "the refund reached Billing's queue");
        var command = sent.Where(c => c.GetProperty("leaseId").GetGuid() == leaseId).ShouldHaveSingleItem();
        // The bus's JSON carries the decimal as a string.
        decimal.Parse(command.GetProperty("amount").GetProperty("amount").GetString()!, System.Globalization.CultureInfo.InvariantCulture).ShouldBe(300.00m);
        command.GetProperty("reason").GetString().ShouldBe("Overpaid March rent");
        var reused = await accountant.PostAsJsonAsync($"/api/leases/{leaseId}/refunds", body with { amount = 100.00m });
        await reused.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
    }

    [Fact]
    public async Task Should_refuse_more_than_the_credit_leaving_the_deposit_out()
    {
        var leaseId = await CreditedLeaseAsync();
        var admin = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Admin);

        var response = await admin.PostAsJsonAsync($"/api/leases/{leaseId}/refunds", new { amount = 300.01m, currency = "USD", reason = "Overpaid" });

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.UnprocessableEntity);
        problem.GetProperty("errors").TryGetProperty("amount", out _).ShouldBeTrue();
        await (await admin.PostAsJsonAsync($"/api/leases/{Guid.NewGuid()}/refunds", new { amount = 1m, currency = "USD", reason = "Overpaid" }))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"amount":0,"currency":"USD","reason":"Overpaid"}""", "amount")]
    [InlineData("""{"amount":10.001,"currency":"USD","reason":"Overpaid"}""", "amount")]
    [InlineData("""{"currency":"USD","reason":"Overpaid"}""", "amount")]
    [InlineData("""{"amount":10,"currency":"usd","reason":"Overpaid"}""", "currency")]
    [InlineData("""{"amount":10,"currency":"USD","reason":" "}""", "reason")]
    [InlineData("""{"amount":10,"currency":"USD","reason":"Over\u0000paid"}""", "reason")]
    [InlineData("""{"amount":10,"currency":"USD","reason":"Overpaid\u202E"}""", "reason")]
    public async Task Should_refuse_bad_input_naming_the_field(string body, string field)
    {
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);

        // With a key, as a careful client sends it: the key's record must not be where a bad reason first meets the database.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/leases/{Guid.NewGuid()}/refunds")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        var response = await accountant.SendAsync(request);

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Should_answer_403_to_staff_who_are_not_admins_or_accountants()
    {
        var manager = await Gateway.SignInAsNewStaffAsync(GatewayRoles.PropertyManager);

        var response = await manager.PostAsJsonAsync($"/api/leases/{Guid.NewGuid()}/refunds", new { amount = 1m, currency = "USD", reason = "Overpaid" });

        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }
}
