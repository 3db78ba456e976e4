namespace Orchestration.Portal.Tests;

/// <summary>
/// A work order requested through the API is opened in the portal by its id; its timeline follows the dispatch saga
/// (a vendor chosen and asked, the vendor's answer) while the page is open.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class When_a_work_order_is_opened_in_the_portal(PortalRun run)
{
    [Fact]
    public async Task Should_show_its_timeline_move_past_the_request()
    {
        using var manager = await run.ApiAsync(PortalRun.ManagerEmail);
        var (propertyId, unitId) = await manager.VacantUnitAsync();
        var accepted = await manager.PostAsync("/api/work-orders",
            new { propertyId, unitId, category = "plumbing", description = "The kitchen sink drips all night." }, HttpStatusCode.Accepted);
        var workOrderId = accepted.GetProperty("workOrderId").GetGuid();

        var page = await run.SignInAsync(PortalRun.ManagerEmail);
        await page.GetByRole(AriaRole.Link, new() { Name = "Work orders" }).ClickAsync();
        await page.GetByLabel("Work order id").FillAsync(workOrderId.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();

        var steps = page.GetByTestId("work-order-timeline").Locator(".mud-timeline-item");
        await Expect(steps.First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("work-order-state")).Not.ToHaveTextAsync("Requested");
        await PortalRun.ScreenshotAsync(page, "work-order");
        await page.Context.CloseAsync();
    }
}
