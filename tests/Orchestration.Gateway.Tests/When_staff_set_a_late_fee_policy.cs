namespace Orchestration.Gateway.Tests;

/// <summary>A property's and a lease's own late-fee policies, set and read through the API and sent to Billing.</summary>
public sealed class When_staff_set_a_late_fee_policy(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    static readonly object DailyPolicy = new { basis = "percentOfRent", rate = 1.5m, accrual = "Daily", graceDays = 3, capPerCharge = 90m, monthlyMaximum = 150m };

    /// <summary>The late-fee policy commands on Billing's queue (RabbitMQ), taken off it.</summary>
    async Task<IReadOnlyList<JsonElement>> PolicyCommandsAsync()
    {
        await using var connection = await TestServers.RabbitConnectionFactory(Gateway.VirtualHost).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var commands = new List<JsonElement>();
        try
        {
            while (await channel.BasicGetAsync(CommandRoutes.RentRuns, autoAck: true) is { } result)
            {
                using var envelope = JsonDocument.Parse(Encoding.UTF8.GetString(result.Body.Span));
                if (envelope.RootElement.GetProperty("messageType")[0].GetString()!.Contains(nameof(SetLateFeePolicy), StringComparison.Ordinal))
                    commands.Add(envelope.RootElement.GetProperty("message").Clone());
            }
        }
        catch (RabbitMQ.Client.Exceptions.OperationInterruptedException)
        {
            // The queue does not exist yet: nothing was ever sent to it.
        }

        return commands;
    }

    async Task<Guid> PropertyAsync(HttpClient staff) =>
        (await (await staff.PostAsJsonAsync("/api/properties", PortalRequests.Property("Late Fee Court"))).JsonAsync()).GetProperty("propertyId").GetGuid();

    [Fact]
    public async Task Should_keep_a_propertys_policy_and_send_it_to_billing()
    {
        var admin = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Admin);
        var property = await PropertyAsync(admin);
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        await (await accountant.GetAsync($"/api/properties/{property}/late-fee-policy")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        var set = await accountant.PutAsJsonAsync($"/api/properties/{property}/late-fee-policy", DailyPolicy);

        set.StatusCode.ShouldBe(HttpStatusCode.OK);
        var manager = await Gateway.SignInAsNewStaffAsync(GatewayRoles.PropertyManager);
        var read = await (await manager.GetAsync($"/api/properties/{property}/late-fee-policy")).JsonAsync();
        (read.GetProperty("basis").GetString(), read.GetProperty("rate").GetDecimal(), read.GetProperty("accrual").GetString(),
            read.GetProperty("graceDays").GetInt32(), read.GetProperty("capPerCharge").GetDecimal(), read.GetProperty("monthlyMaximum").GetDecimal())
            .ShouldBe(("PercentOfRent", 1.5m, "Daily", 3, 90m, 150m));
        var sent = new List<JsonElement>();
        await Eventually.HoldsAsync(async () =>
        {
            sent.AddRange(await PolicyCommandsAsync());
            return sent.Any(c => c.GetProperty("scopeId").GetGuid() == property);
        }, TimeSpan.FromSeconds(15), "the policy reached Billing's queue");
        var command = sent.Single(c => c.GetProperty("scopeId").GetGuid() == property);
        // The bus writes decimals as strings.
        command.GetProperty("policy").GetProperty("rate").ToString().ShouldBe("1.5");
        command.GetProperty("policy").GetProperty("graceDays").GetInt32().ShouldBe(3);
    }

    [Fact]
    public async Task Should_set_a_leases_own_policy_and_its_full_payment_only_switch()
    {
        var admin = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Admin);
        var property = await PropertyAsync(admin);
        var lease = await admin.AppliedAsync(property, await admin.AddUnitAsync(property, "L1"));
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);

        (await accountant.PutAsJsonAsync($"/api/leases/{lease}/late-fee-policy", new { basis = "Fixed", rate = 25m, graceDays = 2 })).StatusCode
            .ShouldBe(HttpStatusCode.OK);
        var settings = await accountant.PutAsJsonAsync($"/api/leases/{lease}/rent-settings", new { fullPaymentOnly = true });

        settings.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await settings.JsonAsync()).GetProperty("fullPaymentOnly").GetBoolean().ShouldBeTrue();
        var policy = await (await accountant.GetAsync($"/api/leases/{lease}/late-fee-policy")).JsonAsync();
        (policy.GetProperty("scope").GetString(), policy.GetProperty("rate").GetDecimal(), policy.GetProperty("accrual").GetString())
            .ShouldBe(("Lease", 25m, "OneTime"));
        var sent = new List<JsonElement>();
        await Eventually.HoldsAsync(async () =>
        {
            sent.AddRange(await Gateway.TakeCommandsAsync(CommandRoutes.RentRuns));
            return sent.Any(c => c.TryGetProperty("fullPaymentOnly", out _) && c.GetProperty("leaseId").GetGuid() == lease);
        }, TimeSpan.FromSeconds(15), "the rent settings reached Billing's queue");
        sent.Single(c => c.TryGetProperty("fullPaymentOnly", out _)).GetProperty("fullPaymentOnly").GetBoolean().ShouldBeTrue();
        var refused = await accountant.PutAsync($"/api/leases/{lease}/rent-settings", new StringContent("{}", Encoding.UTF8, "application/json"));
        (await refused.ShouldBeProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("fullPaymentOnly", out _).ShouldBeTrue();
        await (await accountant.PutAsJsonAsync($"/api/leases/{Guid.NewGuid()}/rent-settings", new { fullPaymentOnly = true }))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"basis":"Fixed","rate":-5,"graceDays":5}""", "rate")]
    [InlineData("""{"basis":"Fixed","rate":12.345,"graceDays":5}""", "rate")]
    [InlineData("""{"basis":"PercentOfOutstanding","rate":101,"graceDays":5}""", "rate")]
    [InlineData("""{"basis":"Fixed","graceDays":5}""", "rate")]
    [InlineData("""{"basis":"Whatever","rate":5,"graceDays":5}""", "basis")]
    [InlineData("""{"basis":"2","rate":5,"graceDays":5}""", "basis")]
    [InlineData("""{"rate":5,"graceDays":5}""", "basis")]
    [InlineData("""{"basis":"Fixed","rate":5,"accrual":"Hourly","graceDays":5}""", "accrual")]
    [InlineData("""{"basis":"Fixed","rate":5,"graceDays":32}""", "graceDays")]
    [InlineData("""{"basis":"Fixed","rate":5}""", "graceDays")]
    [InlineData("""{"basis":"Fixed","rate":5,"graceDays":5,"capPerCharge":-1}""", "capPerCharge")]
    [InlineData("""{"basis":"Fixed","rate":5,"graceDays":5,"monthlyMaximum":0.001}""", "monthlyMaximum")]
    public async Task Should_refuse_a_policy_naming_the_field_and_keep_nothing(string body, string field)
    {
        var admin = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Admin);
        var property = await PropertyAsync(admin);

        var response = await admin.PutAsync($"/api/properties/{property}/late-fee-policy", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(problem.ToString());
        await (await admin.GetAsync($"/api/properties/{property}/late-fee-policy")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_answer_404_for_a_property_or_lease_that_does_not_exist_and_403_to_managers_who_set_one()
    {
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        await (await accountant.PutAsJsonAsync($"/api/properties/{Guid.NewGuid()}/late-fee-policy", DailyPolicy)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await accountant.PutAsJsonAsync($"/api/leases/{Guid.NewGuid()}/late-fee-policy", DailyPolicy)).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        await (await accountant.GetAsync($"/api/leases/{Guid.NewGuid()}/late-fee-policy")).ShouldBeProblemAsync(HttpStatusCode.NotFound);

        var manager = await Gateway.SignInAsNewStaffAsync(GatewayRoles.PropertyManager);
        var property = await PropertyAsync(await Gateway.SignInAsNewStaffAsync(GatewayRoles.Admin));
        await (await manager.PutAsJsonAsync($"/api/properties/{property}/late-fee-policy", DailyPolicy)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        await (await Gateway.Anonymous().GetAsync($"/api/properties/{property}/late-fee-policy")).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
    }
}
