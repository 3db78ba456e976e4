namespace Orchestration.Gateway.Tests;

/// <summary>
/// <c>GET /api/reconciliations</c>: the runs staff asked for and those the daily schedule ran, newest first, a page at a
/// time, for the roles that read a run.
/// </summary>
public sealed class When_staff_list_reconciliation_runs(GatewayApiFixture fixture) : GatewayApiTest(fixture)
{
    static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task Should_list_requested_and_scheduled_runs_newest_first_a_page_at_a_time()
    {
        var accountant = await Gateway.SignInAsNewStaffAsync(GatewayRoles.Accountant);
        var requested = new List<Guid>();
        for (var days = 3; days >= 2; days--)
        {
            var response = await accountant.PostAsJsonAsync("/api/reconciliation/runs", new { from = Today.AddDays(-days), to = Today.AddDays(-1) });
            response.StatusCode.ShouldBe(HttpStatusCode.Accepted);
            requested.Add((await response.JsonAsync()).GetProperty("reconciliationRunId").GetGuid());
        }

        // A run of the daily schedule has no request here: it is known by Billing's report alone.
        var scheduled = new ReconciliationRunFinished
        {
            RunId = Guid.NewGuid(), From = new DateTimeOffset(Today.AddDays(-1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
            To = new DateTimeOffset(Today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), GatewayPayments = 4, LedgerPayments = 4, DiscrepancyCount = 0,
            FinishedAt = DateTimeOffset.UtcNow.AddSeconds(1), Discrepancies = [],
        };
        var messageId = Guid.NewGuid();
        await Gateway.PublishAsync(scheduled, messageId);
        await Gateway.ConsumedAsync(messageId, "the scheduled run's report projected");

        var list = await (await accountant.GetAsync("/api/reconciliations?limit=200")).JsonAsync();
        var ids = list.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("reconciliationRunId").GetGuid()).ToList();
        ids.IndexOf(scheduled.RunId).ShouldBeGreaterThanOrEqualTo(0);
        ids.IndexOf(scheduled.RunId).ShouldBeLessThan(ids.IndexOf(requested[1]));
        ids.IndexOf(requested[1]).ShouldBeLessThan(ids.IndexOf(requested[0]));
        var listed = list.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("reconciliationRunId").GetGuid() == scheduled.RunId);
        listed.GetProperty("status").GetString().ShouldBe("Finished");
        listed.GetProperty("gatewayPayments").GetInt32().ShouldBe(4);
        listed.GetProperty("discrepancies").GetArrayLength().ShouldBe(0);
        var running = list.GetProperty("items").EnumerateArray().Single(r => r.GetProperty("reconciliationRunId").GetGuid() == requested[0]);
        running.GetProperty("status").GetString().ShouldBe("Running");
        running.GetProperty("from").GetString().ShouldBe(Today.AddDays(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));

        var total = list.GetProperty("total").GetInt64();
        var second = await (await accountant.GetAsync("/api/reconciliations?limit=1&offset=1")).JsonAsync();
        second.GetProperty("items").GetArrayLength().ShouldBe(1);
        second.GetProperty("total").GetInt64().ShouldBeGreaterThanOrEqualTo(total);
    }

    [Fact]
    public async Task Should_refuse_bad_paging_and_roles_that_do_not_read_runs()
    {
        var admin = await Gateway.SignInAsAdminAsync();
        await (await admin.GetAsync("/api/reconciliations?limit=0")).ShouldNameFieldAsync("limit", "a page of nothing");
        await (await admin.GetAsync("/api/reconciliations?offset=-1")).ShouldNameFieldAsync("offset", "a negative offset");
        var manager = await Gateway.SignInAsNewStaffAsync(GatewayRoles.PropertyManager);
        (await manager.GetAsync("/api/reconciliations")).StatusCode.ShouldBe(HttpStatusCode.Forbidden);
    }
}
