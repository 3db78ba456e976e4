using System.Text.RegularExpressions;

namespace Orchestration.Portal.Tests;

/// <summary>
/// The simulated SendGrid refuses one send, so the email's consumer fails and its message is moved aside: the portal
/// shows it grouped by its exception; an accountant sees the group but neither the retry nor the means to use it; an
/// operator, with the fault cleared, retries the group and watches it empty.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class When_a_consumer_fails_and_staff_open_the_failed_messages(PortalRun run)
{
    const string SendGridOutage = "EmailProviderUnavailableException";

    [Fact]
    public async Task Should_group_the_failure_and_empty_the_group_when_an_operator_retries_it()
    {
        // Another test may have left a failure in the group: this one waits until its own has joined it, so the retry below
        // covers it and the group can empty.
        using (var manager = await run.ApiAsync(PortalRun.ManagerEmail))
        {
            var before = await OutageCountAsync(manager);
            await SendGridFailsAsync(1);
            await manager.ApplyAsync();
            await Eventually.HoldsAsync(async () => await OutageCountAsync(manager) > before, TimeSpan.FromSeconds(60),
                "the refused email joined the SendGrid outage group");
        }

        var page = await run.SignInAsync(await Users.CreateAsync(run, "operator"));
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Failed messages" }).ClickAsync();
        var group = page.GetByTestId("failed-message-group").Filter(new() { HasText = SendGridOutage });
        await Expect(group).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await group.GetByTestId("open-group").ClickAsync();
        await Expect(page.GetByTestId("failed-messages").GetByText("SendGrid is unavailable").First).ToBeVisibleAsync();
        await PortalRun.ScreenshotAsync(page, "failed-messages");
        await page.GetByTestId("failed-messages").GetByRole(AriaRole.Link).First.ClickAsync();
        await Expect(page.GetByTestId("failed-message-stack-trace")).ToContainTextAsync("SendGridEmailSender.SendAsync");
        await Expect(page.GetByTestId("failed-message-body")).ToContainTextAsync("SendTenantEmail");
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Failed messages" }).ClickAsync();

        await SendGridFailsAsync(0);
        await group.GetByRole(AriaRole.Button, new() { Name = "Retry group" }).ClickAsync();
        await Expect(page.GetByTestId("operations-progress")).ToBeVisibleAsync();
        await Expect(group).ToHaveCountAsync(0, new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("operations-progress")).ToContainTextAsync(new Regex(@"(\d+) of \1 done"));

        await page.GetByRole(AriaRole.Link, new() { Name = "Operations audit" }).ClickAsync();
        await Expect(page.GetByTestId("operations-audit").GetByText("retry group")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Should_not_offer_an_accountant_the_retry_nor_accept_it_from_them()
    {
        await SendGridFailsAsync(1);
        using (var manager = await run.ApiAsync(PortalRun.ManagerEmail))
            await manager.ApplyAsync();

        var email = await Users.CreateAsync(run, "accountant");
        var page = await run.SignInAsync(email);
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Failed messages" }).ClickAsync();
        var group = page.GetByTestId("failed-message-group").Filter(new() { HasText = SendGridOutage });
        await Expect(group).ToHaveCountAsync(1, new() { Timeout = 30_000 });
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Retry group" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Retry selected" })).ToHaveCountAsync(0);
        await Expect(page.GetByRole(AriaRole.Button, new() { Name = "Archive group" })).ToHaveCountAsync(0);
        await page.Context.CloseAsync();

        using var accountant = await run.ApiAsync(email);
        var groups = await accountant.GetAsync("/api/operations/groups");
        var key = groups.EnumerateArray().First(g => g.GetProperty("title").GetString()!.EndsWith(SendGridOutage, StringComparison.Ordinal))
            .GetProperty("groupKey").GetString();
        await accountant.PostAsync("/api/operations/groups/retry", new { by = "exception", key }, HttpStatusCode.Forbidden);
        await SendGridFailsAsync(0);
    }

    /// <summary>How many unresolved messages the group of SendGrid outages holds (none when there is no such group).</summary>
    static async Task<long> OutageCountAsync(StaffApi api) =>
        (await api.GetAsync("/api/operations/groups")).EnumerateArray()
            .Where(g => g.GetProperty("title").GetString()!.EndsWith(SendGridOutage, StringComparison.Ordinal))
            .Sum(g => g.GetProperty("count").GetInt64());

    /// <summary>The simulated SendGrid answers the next <paramref name="sends"/> sends with a 500; zero clears the fault.</summary>
    async Task SendGridFailsAsync(int sends)
    {
        using var http = new HttpClient { BaseAddress = run.Mail };
        var response = await http.PostAsync($"/_sim/mail/fail?count={sends.ToString(CultureInfo.InvariantCulture)}", null);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
