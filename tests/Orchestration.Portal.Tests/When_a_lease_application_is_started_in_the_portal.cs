using System.Text.RegularExpressions;

namespace Orchestration.Portal.Tests;

/// <summary>
/// A property manager fills in "new application" for a vacant unit; the portal opens the new lease, whose timeline
/// follows the signing saga live (screening, documents, signatures, move-in payment, access code) until it is Active.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class When_a_lease_application_is_started_in_the_portal(PortalRun run)
{
    [Fact]
    public async Task Should_show_the_lease_reach_Active_on_its_timeline()
    {
        using var manager = await run.ApiAsync(PortalRun.ManagerEmail);
        var (property, unit) = await manager.VacantUnitRecordAsync();
        var page = await run.SignInAsync(PortalRun.ManagerEmail);
        await page.GetByRole(AriaRole.Link, new() { Name = "New application" }).First.ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "New lease application" })).ToBeVisibleAsync();

        await page.GetByLabel("Property").ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextRegex = Exactly(property.GetProperty("name").GetString()!) }).ClickAsync();
        // The property's list closes before the unit's opens: its overlay would take the click.
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await Expect(page.GetByLabel("Unit")).ToBeEnabledAsync();
        // A select with a value shows it in place of its input, so the click goes to the select itself.
        await page.Locator(".mud-select", new() { Has = page.GetByLabel("Unit") }).First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextRegex = new Regex($@"^\s*{Regex.Escape(unit.GetProperty("label").GetString()!)} \(") }).ClickAsync();
        await Expect(page.Locator(".mud-popover-open")).ToHaveCountAsync(0);
        await page.GetByLabel("Applicant name").FillAsync("Katherine Johnson");
        await page.GetByLabel("Applicant email").FillAsync($"katherine.{Guid.NewGuid():N}@example.com");
        await page.GetByLabel("Security deposit").FillAsync("500");
        await page.GetByRole(AriaRole.Button, new() { Name = "Submit application" }).ClickAsync();

        await page.WaitForURLAsync(new Regex("/leases/[0-9a-f-]{36}$"));
        var timeline = page.GetByTestId("lease-timeline");
        await Expect(timeline).ToContainTextAsync("Awaiting", new() { Timeout = 20_000 });
        await Expect(page.GetByTestId("lease-state")).ToHaveTextAsync("Active", new() { Timeout = 60_000 });
        // The page keeps reading a final lease until its timeline shows the step that made it final.
        await Expect(timeline).ToContainTextAsync("Active", new() { Timeout = 30_000 });
        // Times are shown in the browser's zone (Europe/Berlin here), not the server's UTC.
        await Expect(timeline).ToContainTextAsync(new Regex(@"\+0[12]:00"));
        await PortalRun.ScreenshotAsync(page, "lease-timeline");

        await page.GetByRole(AriaRole.Link, new() { Name = "Dashboard" }).ClickAsync();
        await Expect(page.GetByTestId("tile-Active leases")).Not.ToHaveTextAsync("0");
        await Expect(page.GetByTestId("leases-by-state").Locator("svg").First).ToBeVisibleAsync();
        await PortalRun.ScreenshotAsync(page, "dashboard");
        await page.Context.CloseAsync();
    }

    static Regex Exactly(string text) => new($@"^\s*{Regex.Escape(text)}\s*$");
}
