namespace Orchestration.Gateway.Tests;

public sealed class When_staff_start_a_rent_run(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    /// <summary>The rent-run commands on Billing's queue (RabbitMQ), taken off it.</summary>
    async Task<IReadOnlyList<JsonElement>> RentRunCommandsAsync()
    {
        await using var connection = await TestServers.RabbitConnectionFactory(Gateway.VirtualHost).CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var commands = new List<JsonElement>();
        try
        {
            while (await channel.BasicGetAsync(CommandRoutes.RentRuns, autoAck: true) is { } result)
            {
                using var envelope = JsonDocument.Parse(Encoding.UTF8.GetString(result.Body.Span));
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
    public async Task Should_accept_it_and_send_billing_the_run_for_the_period()
    {
        var manager = await Gateway.SignInAsNewStaffAsync(GatewayRoles.PropertyManager);

        var response = await manager.PostAsJsonAsync("/api/rent-runs", new { period = "2031-05" });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var runId = (await response.JsonAsync()).GetProperty("rentRunId").GetGuid();
        response.Headers.Location!.ToString().ShouldBe($"/api/rent-runs/{runId}");
        var sent = new List<JsonElement>();
        await Eventually.HoldsAsync(async () =>
        {
            sent.AddRange(await RentRunCommandsAsync());
            return sent.Any(c => c.GetProperty("rentRunId").GetGuid() == runId);
        }, TimeSpan.FromSeconds(15), "the rent run reached Billing's queue");
        sent.Single(c => c.GetProperty("rentRunId").GetGuid() == runId).GetProperty("period").GetString().ShouldBe("2031-05");
    }

    [Theory]
    [InlineData("""{"period":"2031-13"}""")]
    [InlineData("""{"period":"2031-5"}""")]
    [InlineData("""{"period":"1999-12"}""")]
    [InlineData("""{"period":"2031-05-01"}""")]
    [InlineData("""{"period":null}""")]
    [InlineData("""{}""")]
    public async Task Should_refuse_a_period_that_is_not_a_month_naming_the_field(string body)
    {
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);

        var response = await accountant.PostAsync("/api/rent-runs", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
        problem.GetProperty("errors").TryGetProperty("period", out _).ShouldBeTrue();
    }

    [Fact]
    public async Task Should_answer_401_to_strangers_and_403_to_staff_without_a_rent_role()
    {
        await (await Gateway.Anonymous().PostAsJsonAsync("/api/rent-runs", new { period = "2031-05" })).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        foreach (var role in new[] { GatewayRoles.Operator, GatewayRoles.MaintenanceCoordinator })
        {
            var staff = await Gateway.SignInAsNewStaffAsync(role);
            await (await staff.PostAsJsonAsync("/api/rent-runs", new { period = "2031-05" })).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        }
    }
}
