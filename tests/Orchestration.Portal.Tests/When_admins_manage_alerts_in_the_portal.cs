namespace Orchestration.Portal.Tests;

/// <summary>
/// The alerts page lists the rules and channels; an admin adds a channel and a rule there, disables the rule and deletes
/// it after confirming; an accountant reads them without being offered any change.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class When_admins_manage_alerts_in_the_portal(PortalRun run)
{
    /// <summary>The endpoint the tests' rules watch: none of the host's, so they never send an alert.</summary>
    const string Endpoint = "portal-tests";

    [Fact]
    public async Task Should_list_the_channel_and_rule_an_admin_adds_disable_the_rule_and_delete_it_once_confirmed()
    {
        var (channel, rule) = ($"on-call {Guid.NewGuid():N}"[..16], $"heartbeats {Guid.NewGuid():N}"[..19]);
        var page = await run.SignInAsync(PortalRun.AdminEmail);
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Alerts" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Alerts" })).ToBeVisibleAsync();

        await page.GetByLabel("Channel name").FillAsync(channel);
        await page.GetByLabel("Recipients (comma-separated)").FillAsync("ops@example.test, oncall@example.test");
        await page.GetByRole(AriaRole.Button, new() { Name = "Add channel" }).ClickAsync();
        var channels = page.GetByTestId("alert-channels");
        await Expect(channels.GetByRole(AriaRole.Row).Filter(new() { HasText = channel })).ToContainTextAsync("ops@example.test, oncall@example.test");

        await page.GetByLabel("Rule name").FillAsync(rule);
        await page.GetByLabel("Endpoint (empty: every endpoint)").FillAsync(Endpoint);
        await page.GetByLabel(channel, new() { Exact = true }).CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Add rule" }).ClickAsync();
        var row = page.GetByTestId("alert-rules").GetByRole(AriaRole.Row).Filter(new() { HasText = rule });
        await Expect(row).ToContainTextAsync("heartbeat");
        await Expect(row).ToContainTextAsync(channel);
        await row.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(row.GetByRole(AriaRole.Button, new() { Name = "Enable" })).ToBeVisibleAsync();

        await page.GetByRole(AriaRole.Button, new() { Name = $"Delete rule {rule}" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(channels.GetByRole(AriaRole.Row).Filter(new() { HasText = channel })).ToHaveCountAsync(1);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_show_an_accountant_the_rules_without_any_change()
    {
        var rule = $"queue {Guid.NewGuid():N}"[..14];
        using (var admin = await run.ApiAsync(PortalRun.AdminEmail))
        {
            var channel = await admin.PostAsync("/api/operations/alerts/channels",
                new { name = $"mail {rule}", kind = "email", recipients = new[] { "ops@example.test" } }, HttpStatusCode.Accepted);
            var channelId = channel.GetProperty("id").GetGuid();
            await Eventually.HoldsAsync(async () => (await admin.GetAsync("/api/operations/alerts/channels")).EnumerateArray()
                .Any(c => c.GetProperty("id").GetGuid() == channelId), TimeSpan.FromSeconds(10), "the channel is listed");
            await admin.PostAsync("/api/operations/alerts/rules",
                new { name = rule, kind = "queue-length", endpoint = Endpoint, threshold = 100, channelIds = new[] { channelId } }, HttpStatusCode.Accepted);
            // Accepted, then stored by Operations: the accountant's page reads the rules once, when it opens.
            await Eventually.HoldsAsync(async () => (await admin.GetAsync("/api/operations/alerts/rules")).EnumerateArray()
                .Any(r => r.GetProperty("name").GetString() == rule), TimeSpan.FromSeconds(10), "the rule is listed");
        }

        var page = await run.SignInAsync(await Users.CreateAsync(run, "accountant"));
        await page.GotoAsync("/operations/alerts");
        await Expect(page.GetByTestId("alert-rules").GetByRole(AriaRole.Row).Filter(new() { HasText = rule })).ToContainTextAsync("100 messages");
        await Expect(page.GetByText("Only admins change rules and channels.")).ToBeVisibleAsync();
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add rule" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Add channel" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Disable" })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
