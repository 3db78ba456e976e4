using System.Globalization;

namespace Orchestration.Gateway.Tests;

/// <summary>Reconciliation runs through the Gateway: the request reaches Billing's queue, and Billing's report is what the run shows.</summary>
public sealed class When_staff_reconcile_payments(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    // Read each time: a test that runs past midnight (UTC) compares with the day the Gateway has then.
    static DateOnly Today => DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task Should_send_billing_the_days_and_show_the_run_running_then_its_report()
    {
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        var today = Today;

        var response = await accountant.PostAsJsonAsync("/api/reconciliation/runs", new { from = today.AddDays(-2), to = today.AddDays(-1) });

        response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var runId = (await response.JsonAsync()).GetProperty("reconciliationRunId").GetGuid();
        response.Headers.Location!.ToString().ShouldBe($"/api/reconciliation/runs/{runId}");
        var running = await (await accountant.GetAsync($"/api/reconciliation/runs/{runId}")).JsonAsync();
        running.GetProperty("status").GetString().ShouldBe("Running");
        running.GetProperty("from").GetString().ShouldBe(today.AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        running.GetProperty("to").GetString().ShouldBe(today.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        var sent = new List<JsonElement>();
        await Eventually.HoldsAsync(async () =>
        {
            sent.AddRange(await Gateway.TakeCommandsAsync(CommandRoutes.Reconciliation));
            return sent.Any(c => c.GetProperty("runId").GetGuid() == runId);
        }, TimeSpan.FromSeconds(15), "the reconciliation run reached Billing's queue");
        var command = sent.Single(c => c.GetProperty("runId").GetGuid() == runId);
        command.GetProperty("from").GetDateTimeOffset().ShouldBe(new DateTimeOffset(today.AddDays(-2).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));
        command.GetProperty("to").GetDateTimeOffset().ShouldBe(new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero));

        var report = new ReconciliationRunFinished
        {
            RunId = runId, From = command.GetProperty("from").GetDateTimeOffset(), To = command.GetProperty("to").GetDateTimeOffset(),
            GatewayPayments = 12, LedgerPayments = 11, DiscrepancyCount = 1, FinishedAt = DateTimeOffset.UtcNow,
            Discrepancies = [new ReconciliationDiscrepancy
            {
                Kind = ReconciliationDiscrepancyKinds.MissingInLedger, PaymentIntentId = "pi_withheld", ChargeId = Guid.NewGuid(),
                Gateway = Money.Of(1850.00m, "USD"),
            }],
        };
        var messageId = Guid.NewGuid();
        await Gateway.PublishAsync(report, messageId);
        await Gateway.ConsumedAsync(messageId, "the report projected");
        var admin = await Gateway.SignInAsAdminAsync();

        var finished = await (await admin.GetAsync($"/api/reconciliation/runs/{runId}")).JsonAsync();

        finished.GetProperty("status").GetString().ShouldBe("Finished");
        finished.GetProperty("gatewayPayments").GetInt32().ShouldBe(12);
        finished.GetProperty("discrepancyCount").GetInt32().ShouldBe(1);
        var discrepancy = finished.GetProperty("discrepancies").EnumerateArray().ShouldHaveSingleItem();
        discrepancy.GetProperty("kind").GetString().ShouldBe("MissingInLedger");
        discrepancy.GetProperty("paymentIntentId").GetString().ShouldBe("pi_withheld");
        discrepancy.GetProperty("gateway").GetProperty("amount").GetDecimal().ShouldBe(1850.00m);
        await (await admin.GetAsync($"/api/reconciliation/runs/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Should_show_a_report_with_its_unmatched_webhook_events_at_api_reconciliations()
    {
        var runId = Guid.NewGuid();
        var from = new DateTimeOffset(Today.AddDays(-1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var messageId = Guid.NewGuid();
        await Gateway.PublishAsync(new ReconciliationRunFinished
        {
            RunId = runId, From = from, To = from.AddDays(1), GatewayPayments = 3, LedgerPayments = 3, DiscrepancyCount = 1,
            FinishedAt = DateTimeOffset.UtcNow,
            Discrepancies = [new ReconciliationDiscrepancy
            {
                Kind = ReconciliationDiscrepancyKinds.UnmatchedWebhookEvent, PaymentIntentId = "pi_stranger", ProviderEventId = "evt_stranger",
                Reason = "intent pi_stranger carries no lease of ours", Gateway = Money.Of(42.00m, "USD"),
            }],
        }, messageId);
        await Gateway.ConsumedAsync(messageId, "the report projected");
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);

        var run = await (await accountant.GetAsync($"/api/reconciliations/{runId}")).JsonAsync();

        run.GetProperty("status").GetString().ShouldBe("Finished");
        var discrepancy = run.GetProperty("discrepancies").EnumerateArray().ShouldHaveSingleItem();
        (discrepancy.GetProperty("kind").GetString(), discrepancy.GetProperty("providerEventId").GetString(), discrepancy.GetProperty("reason").GetString())
            .ShouldBe(("UnmatchedWebhookEvent", "evt_stranger", "intent pi_stranger carries no lease of ours"));
        await (await accountant.GetAsync($"/api/reconciliations/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.NotFound);
        var manager = await Gateway.SignInAsNewStaffAsync(GatewayRoles.PropertyManager);
        await (await manager.GetAsync($"/api/reconciliations/{runId}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task Should_show_a_scheduled_run_it_never_asked_for()
    {
        var runId = Guid.NewGuid();
        var from = new DateTimeOffset(2031, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var messageId = Guid.NewGuid();
        await Gateway.PublishAsync(new ReconciliationRunFinished
        {
            RunId = runId, From = from, To = from.AddDays(1), GatewayPayments = 0, LedgerPayments = 0, DiscrepancyCount = 0, Discrepancies = [],
            FinishedAt = from.AddDays(1).AddHours(5),
        }, messageId);
        await Gateway.ConsumedAsync(messageId, "the report projected");
        var admin = await Gateway.SignInAsAdminAsync();

        var run = await (await admin.GetAsync($"/api/reconciliation/runs/{runId}")).JsonAsync();

        run.GetProperty("from").GetString().ShouldBe("2031-03-01");
        run.GetProperty("to").GetString().ShouldBe("2031-03-01");
        run.GetProperty("status").GetString().ShouldBe("Finished");
        run.GetProperty("discrepancies").GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Should_refuse_days_that_are_no_range_naming_the_field()
    {
        var admin = await Gateway.SignInAsAdminAsync();
        var future = JsonSerializer.Serialize(new { from = Today, to = Today.AddDays(1) }, JsonSerializerOptions.Web);

        foreach (var (body, field) in new[]
        {
            ("""{"from":"2031-13-01","to":"2031-12-02"}""", "from"),
            ("""{"from":"1999-12-31","to":"2000-01-01"}""", "from"),
            ("""{"from":"2026-01-02","to":"2026-01-01"}""", "to"),
            ("""{"from":"2026-01-01","to":"2026-02-01"}""", "to"),
            ("""{"from":"2026-01-01"}""", "to"),
            ("""{"to":null}""", "from"),
            (future, "to"),
        })
        {
            var response = await admin.PostAsync("/api/reconciliation/runs", new StringContent(body, Encoding.UTF8, "application/json"));

            var problem = await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest);
            problem.GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(body);
        }
    }

    [Fact]
    public async Task Should_answer_401_to_strangers_and_403_to_staff_who_are_not_accountants_or_admins()
    {
        var body = new { from = Today.AddDays(-1), to = Today.AddDays(-1) };
        await (await Gateway.Anonymous().PostAsJsonAsync("/api/reconciliation/runs", body)).ShouldBeProblemAsync(HttpStatusCode.Unauthorized);
        foreach (var role in new[] { GatewayRoles.PropertyManager, GatewayRoles.Operator })
        {
            var staff = await Gateway.SignInAsNewStaffAsync(role);
            await (await staff.PostAsJsonAsync("/api/reconciliation/runs", body)).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
            await (await staff.GetAsync($"/api/reconciliation/runs/{Guid.NewGuid()}")).ShouldBeProblemAsync(HttpStatusCode.Forbidden);
        }
    }
}
