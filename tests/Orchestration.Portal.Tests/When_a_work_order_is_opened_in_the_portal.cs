namespace Orchestration.Portal.Tests;

/// <summary>
/// A work order requested through the API is opened in the portal by its id; its timeline follows the dispatch saga
/// (a vendor chosen and asked, the vendor's answer) while the page is open. The work orders, a registered device and
/// the endpoints' monitoring figures show in their lists and charts.
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

    [Fact]
    public async Task Should_list_it_with_the_devices_and_the_endpoints_monitoring()
    {
        using var manager = await run.ApiAsync(PortalRun.ManagerEmail);
        var (propertyId, unitId) = await manager.VacantUnitAsync();
        var accepted = await manager.PostAsync("/api/work-orders",
            new { propertyId, unitId, category = "electrical", description = "The hallway light flickers." }, HttpStatusCode.Accepted);
        var workOrderId = accepted.GetProperty("workOrderId").GetGuid();
        var registered = await manager.PostAsync("/api/devices", new { propertyId, unitId, kind = "leak-sensor" }, HttpStatusCode.Created);
        var deviceId = registered.GetProperty("deviceId").GetGuid();

        var page = await run.SignInAsync(PortalRun.ManagerEmail);
        await Expect(page.GetByTestId("work-orders-by-priority-and-state").Locator("svg").First).ToBeVisibleAsync();
        await Expect(page.GetByTestId("queue-length-and-critical-time")).ToBeVisibleAsync();
        var navigation = page.GetByRole(AriaRole.Navigation);

        await navigation.GetByRole(AriaRole.Link, new() { Name = "Work orders" }).ClickAsync();
        await Expect(page.GetByTestId("work-order-list").GetByRole(AriaRole.Link, new() { Name = workOrderId.ToString() })).ToBeVisibleAsync();

        // A device is listed once Devices has registered it and the Gateway has read its event; the page is read again until then.
        await navigation.GetByRole(AriaRole.Link, new() { Name = "Devices" }).ClickAsync();
        var device = page.GetByTestId("device-list").GetByText(deviceId.ToString());
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await device.WaitForAsync(new() { Timeout = 3_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 10)
            {
                await page.ReloadAsync();
            }
        }

        await Expect(page.GetByTestId("device-list").GetByText("leak-sensor")).ToBeVisibleAsync();

        // Endpoints report their figures with every heartbeat; the page reads them again while it is open.
        await navigation.GetByRole(AriaRole.Link, new() { Name = "Monitoring" }).ClickAsync();
        var endpoints = page.GetByTestId("monitoring-endpoints").GetByRole(AriaRole.Link);
        await Expect(endpoints.First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await endpoints.First.ClickAsync();
        // Once the request above is sampled, the history is larger than a browser-to-server message may be by default.
        await Expect(page.GetByTestId("monitoring-history").GetByText("RequestWorkOrder", new() { Exact = true })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("monitoring-history-charts").Locator("svg").First).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }
}
