namespace Orchestration.Portal.Tests;

/// <summary>
/// An accountant starts the month's rent run from the portal and watches its progress bar fill as Billing posts the
/// charges, then opens a lease's ledger and reads the same balance the API gives.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class When_a_rent_run_is_started_in_the_portal(PortalRun run)
{
    [Fact]
    public async Task Should_show_the_progress_bar_complete_and_the_ledger_balance()
    {
        using var manager = await run.ApiAsync(PortalRun.ManagerEmail);
        var leaseId = await manager.ActiveLeaseAsync();
        var accountant = await Users.CreateAsync(run, "accountant");

        var page = await run.SignInAsync(accountant);
        await page.GetByRole(AriaRole.Link, new() { Name = "Rent runs" }).ClickAsync();
        // The lease starts today and its move-in funds paid this month, so the run is for the next one.
        var today = DateTime.UtcNow;
        var period = new DateTimeOffset(today.Year, today.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        await page.GetByLabel("Period (YYYY-MM)").FillAsync(period.ToString("yyyy-MM", CultureInfo.InvariantCulture));
        await page.GetByRole(AriaRole.Button, new() { Name = "Start rent run" }).ClickAsync();
        await Expect(page.GetByTestId("rent-run")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("rent-run-bar")).ToHaveAttributeAsync("data-value", "100", new() { Timeout = 30_000 });
        await Expect(page.GetByTestId("rent-run-progress")).ToContainTextAsync(new System.Text.RegularExpressions.Regex("^[1-9][0-9]* of [1-9][0-9]* charges posted — finished"));
        await PortalRun.ScreenshotAsync(page, "rent-run");

        // The ledger is the Gateway's projection of Billing's entries, which follows the run's end by a moment. The run's
        // charge is the one due in its period (the move-in's is due this month).
        await Eventually.HoldsAsync(async () => (await manager.GetAsync($"/api/leases/{leaseId}/ledger")).GetProperty("entries").EnumerateArray()
            .Any(e => e.GetProperty("kind").GetString() == "charge" && e.GetProperty("occurredAt").GetDateTimeOffset() >= period),
            TimeSpan.FromSeconds(20), "the run's charge is in the lease's ledger");
        await page.GetByRole(AriaRole.Link, new() { Name = "Ledgers" }).ClickAsync();
        await page.GetByLabel("Lease id").FillAsync(leaseId.ToString());
        // The page and the API are read at nearly the same moment, while the projection may still be taking an entry that
        // follows the charge: they are compared again, with the page shown anew, until both read the same ledger.
        var ledger = default(JsonElement);
        await Eventually.HoldsAsync(async () =>
        {
            await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
            await Expect(page.GetByTestId("ledger-balance")).ToBeVisibleAsync();
            ledger = await manager.GetAsync($"/api/leases/{leaseId}/ledger");
            var balance = ledger.GetProperty("balance");
            var expected = $"{balance.GetProperty("amount").GetDecimal().ToString("N2", CultureInfo.InvariantCulture)} {balance.GetProperty("currency").GetString()}";
            return await page.GetByTestId("ledger-balance").TextContentAsync() == expected;
        }, TimeSpan.FromSeconds(20), "the page shows the balance the API gives");
        await Expect(page.GetByTestId("ledger-entries").Locator("tbody tr")).ToHaveCountAsync(ledger.GetProperty("entries").GetArrayLength());
        await Expect(page.GetByTestId("ledger-entries")).ToContainTextAsync("charge");
        await page.Context.CloseAsync();
    }
}
