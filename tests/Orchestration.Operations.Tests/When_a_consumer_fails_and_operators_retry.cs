namespace Orchestration.Operations.Tests;

/// <summary>On RabbitMQ and PostgreSQL, Operations and the Gateway as two hosts: the failed-message workbench end to end.</summary>
public sealed class When_a_consumer_fails_and_operators_retry(DistributedWorkbench fixture) : IClassFixture<DistributedWorkbench>
{
    WorkbenchHost Host => fixture.Host;

    static List<Guid> NewCharges(int count) => [.. Enumerable.Range(0, count).Select(_ => Guid.NewGuid())];

    [Fact]
    public async Task Should_group_the_failures_within_seconds_and_retry_the_group_at_the_configured_rate_each_once()
    {
        var (staff, operatorEmail) = await Host.SignInAsNewStaffAsync(GatewayRoles.Operator);
        var charges = NewCharges(10);
        Host.Desk.GatewayDown = true;
        await Host.ChargeAsync(charges);

        JsonElement? group = null;
        await Eventually.HoldsAsync(async () => (group = await WorkbenchHost.GroupOfAsync<PaymentGatewayDown>(staff)) is { } g
            && g.GetProperty("count").GetInt64() == charges.Count, TimeSpan.FromSeconds(15), "the ten failures are one group");
        var failed = await WorkbenchHost.FailedAsync(staff, charges);
        failed.Values.ShouldAllBe(m => m.GetProperty("inputQueue").GetString() == RentDesk.Queue && m.GetProperty("timesFailed").GetInt32() == 1);

        Host.Desk.GatewayDown = false;
        var retry = await WorkbenchHost.JsonAsync(await staff.PostAsJsonAsync("/api/operations/groups/retry",
            new { by = "exception", key = group!.Value.GetProperty("groupKey").GetString() }), HttpStatusCode.Accepted);
        retry.GetProperty("messageCount").GetInt32().ShouldBe(charges.Count);

        await Eventually.HoldsAsync(() => Task.FromResult(charges.All(c => Host.Desk.TimesCharged(c) == 1)), TimeSpan.FromSeconds(20),
            "every charge was made after the retry");
        var times = charges.Select(c => Host.Desk.Charged[c].Single()).Order().ToList();
        (times[^1] - times[0]).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromSeconds((charges.Count - 1) / WorkbenchHost.RetryRate * 0.8),
            "ten retries at ten a second take about a second");
        await Eventually.HoldsAsync(async () => await WorkbenchHost.GroupOfAsync<PaymentGatewayDown>(staff) is null, TimeSpan.FromSeconds(15),
            "the group is empty once the retried messages did not fail again");
        charges.ShouldAllBe(c => Host.Desk.TimesCharged(c) == 1);
        await WorkbenchHost.FailedAsync(staff, charges, "Resolved");

        var audit = await WorkbenchHost.JsonAsync(await staff.GetAsync("/api/operations/audit"));
        audit.GetProperty("items").EnumerateArray().ShouldContain(entry => entry.GetProperty("actor").GetString() == operatorEmail
            && entry.GetProperty("action").GetString() == "retry group" && entry.GetProperty("messageCount").GetInt32() == charges.Count);
    }

    [Fact]
    public async Task Should_send_an_edited_copy_of_a_message_whose_body_was_wrong_when_an_admin_asks()
    {
        var charge = Guid.NewGuid();
        await Host.ChargeAsync([charge], tenant: "unknown");
        var (operatorClient, _) = await Host.SignInAsNewStaffAsync(GatewayRoles.Operator);
        var original = (await WorkbenchHost.FailedAsync(operatorClient, [charge]))[charge];
        var originalId = original.GetProperty("messageId").GetGuid();
        original.GetProperty("exceptionType").GetString().ShouldBe(typeof(UnknownTenant).FullName);

        var admin = await Host.SignInAsAdminAsync();
        var detail = await WorkbenchHost.JsonAsync(await admin.GetAsync($"/api/operations/failed-messages/{originalId}"));
        var envelope = System.Text.Json.Nodes.JsonNode.Parse(detail.GetProperty("body").GetString()!)!;
        envelope["message"]!["tenant"]!.GetValue<string>().ShouldBe("unknown");
        envelope["message"]!["tenant"] = "Ada Lovelace";
        var edited = new { body = envelope.ToJsonString() };
        (await operatorClient.PostAsJsonAsync($"/api/operations/failed-messages/{originalId}/edit-and-retry", edited)).StatusCode
            .ShouldBe(HttpStatusCode.Forbidden);
        var locked = await admin.PostAsJsonAsync($"/api/operations/failed-messages/{originalId}/edit-and-retry",
            new { edited.body, headers = new Dictionary<string, string> { ["MT-MessageType"] = "urn:message:Other" } });
        (await WorkbenchHost.JsonAsync(locked, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("headers", out _).ShouldBeTrue();

        var accepted = await WorkbenchHost.JsonAsync(await admin.PostAsJsonAsync($"/api/operations/failed-messages/{originalId}/edit-and-retry", edited),
            HttpStatusCode.Accepted);
        var copyId = accepted.GetProperty("messageId").GetGuid();
        copyId.ShouldNotBe(originalId);

        await Eventually.HoldsAsync(() => Task.FromResult(Host.Desk.TimesCharged(charge) == 1), TimeSpan.FromSeconds(20), "the edited copy was charged");
        await Eventually.HoldsAsync(async () =>
        {
            var before = await admin.GetFromJsonAsync<JsonElement>($"/api/operations/failed-messages/{originalId}");
            var copy = await admin.GetAsync($"/api/operations/failed-messages/{copyId}");
            return before.GetProperty("message").GetProperty("status").GetString() == "Resolved"
                && before.GetProperty("message").GetProperty("replacedBy").GetGuid() == copyId
                && copy.IsSuccessStatusCode
                && (await copy.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("message").GetProperty("status").GetString() == "Resolved";
        }, TimeSpan.FromSeconds(15), "the original is resolved by its copy, and the copy did not fail");
        Host.Desk.TimesCharged(charge).ShouldBe(1);
    }

    [Fact]
    public async Task Should_retry_only_the_failures_of_the_date_range_and_archive_the_others_with_a_countdown()
    {
        var (staff, _) = await Host.SignInAsNewStaffAsync(GatewayRoles.Operator);
        Host.Desk.GatewayDown = true;
        var earlier = NewCharges(3);
        await Host.ChargeAsync(earlier);
        var earlierFailed = await WorkbenchHost.FailedAsync(staff, earlier);
        var lastEarlier = earlierFailed.Values.Max(m => m.GetProperty("lastFailedAt").GetDateTimeOffset());
        var firstEarlier = earlierFailed.Values.Min(m => m.GetProperty("lastFailedAt").GetDateTimeOffset());

        // Fault times on RabbitMQ are whole seconds: the later failures come in a later second.
        await Eventually.HoldsAsync(() => Task.FromResult(DateTimeOffset.UtcNow > lastEarlier.AddSeconds(1.1)), TimeSpan.FromSeconds(5), "a second passed");
        var later = NewCharges(3);
        await Host.ChargeAsync(later);
        var laterFailed = await WorkbenchHost.FailedAsync(staff, later);
        Host.Desk.GatewayDown = false;

        var retry = await WorkbenchHost.JsonAsync(await staff.PostAsJsonAsync("/api/operations/failed-messages/retry",
            new { filter = new { from = firstEarlier, to = lastEarlier.AddMilliseconds(1) } }), HttpStatusCode.Accepted);
        retry.GetProperty("messageCount").GetInt32().ShouldBe(earlier.Count);
        await Eventually.HoldsAsync(() => Task.FromResult(earlier.All(c => Host.Desk.TimesCharged(c) == 1)), TimeSpan.FromSeconds(20),
            "the failures of the range were retried");
        await WorkbenchHost.FailedAsync(staff, earlier, "Resolved");
        later.ShouldAllBe(c => Host.Desk.TimesCharged(c) == 0);
        await WorkbenchHost.FailedAsync(staff, later, "Unresolved");

        var archive = await staff.PostAsJsonAsync("/api/operations/failed-messages/archive",
            new { messageIds = laterFailed.Values.Select(m => m.GetProperty("messageId").GetGuid()) });
        (await WorkbenchHost.JsonAsync(archive, HttpStatusCode.Accepted)).GetProperty("messageCount").GetInt32().ShouldBe(later.Count);
        var archived = await WorkbenchHost.FailedAsync(staff, later, "Archived");
        archived.Values.ShouldAllBe(m => m.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddDays(13));
        later.ShouldAllBe(c => Host.Desk.TimesCharged(c) == 0);
    }
}
