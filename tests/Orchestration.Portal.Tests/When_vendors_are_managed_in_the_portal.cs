namespace Orchestration.Portal.Tests;

/// <summary>
/// An admin registers a vendor on the vendors page (a bad callback URL is refused beside its field first), sees its
/// signing secret once, opens it from the list, issues an API key shown once, revokes it after confirming, and changes
/// its insurance date; the API shows each change.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class When_vendors_are_managed_in_the_portal(PortalRun run)
{
    static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_register_it_issue_and_revoke_a_key_and_change_its_insurance_date()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        // A name that sorts before the other tests' vendors, so the list's first page shows it.
        var name = $"0 Portal vendor {suffix}";
        var page = await run.SignInAsync(PortalRun.AdminEmail);
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Vendors" }).ClickAsync();

        var form = page.GetByTestId("vendor-form");
        await form.GetByLabel("Vendor name").FillAsync(name);
        await form.GetByLabel("Callback URL").FillAsync("not a url");
        await form.GetByLabel("Trades (comma-separated)").FillAsync("plumbing, hvac");
        await form.GetByLabel("Service areas (postal codes, comma-separated)").FillAsync("98101");
        await form.GetByLabel("Insurance expires on").FillAsync("2031-06-30");
        await form.GetByRole(AriaRole.Button, new() { Name = "Register vendor" }).ClickAsync();
        await Expect(form.GetByText("An absolute http or https URL")).ToBeVisibleAsync();

        await form.GetByLabel("Callback URL").FillAsync($"https://vendor-{suffix}.example.test/webhooks");
        await form.GetByRole(AriaRole.Button, new() { Name = "Register vendor" }).ClickAsync();
        await Expect(page.GetByTestId("shown-once")).ToContainTextAsync("Signing secret");
        (await page.GetByTestId("shown-once").Locator("input").InputValueAsync()).ShouldNotBeNullOrWhiteSpace();

        // Listed once Maintenance has stored it: the list is refreshed until then.
        var row = page.GetByTestId("vendor-list").GetByRole(AriaRole.Cell, new() { Name = name });
        await Eventually.HoldsAsync(async () =>
        {
            await page.GetByTestId("vendor-list").GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            return await row.IsVisibleAsync();
        }, Deadline, "the vendor is listed");
        await Expect(page.GetByTestId("vendor-list").GetByRole(AriaRole.Row).Filter(new() { HasText = name })).ToContainTextAsync("Dispatchable");
        await row.ClickAsync();

        var keys = page.GetByTestId("vendor-keys");
        await keys.GetByRole(AriaRole.Button, new() { Name = "Issue API key" }).ClickAsync();
        await Expect(page.GetByTestId("shown-once")).ToContainTextAsync("API key");
        var revoke = keys.GetByRole(AriaRole.Button, new() { Name = "Revoke" });
        await Eventually.HoldsAsync(async () =>
        {
            await page.GetByTestId("vendor-list").GetByRole(AriaRole.Button, new() { Name = "Refresh" }).ClickAsync();
            return await revoke.IsVisibleAsync();
        }, Deadline, "the key is listed");
        await revoke.ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();

        var details = page.GetByTestId("vendor-details");
        await details.GetByLabel("New insurance expiry date").FillAsync("2032-01-15");
        await details.GetByRole(AriaRole.Button, new() { Name = "Save compliance date" }).ClickAsync();

        using var admin = await run.ApiAsync(PortalRun.AdminEmail);
        var vendorId = (await admin.GetAsync("/api/vendors?limit=200")).GetProperty("items").EnumerateArray()
            .Single(v => v.GetProperty("name").GetString() == name).GetProperty("vendorId").GetGuid();
        await Eventually.HoldsAsync(async () =>
        {
            var vendor = await admin.GetAsync($"/api/vendors/{vendorId}");
            return vendor.GetProperty("insuranceExpiresOn").GetString() == "2032-01-15"
                && vendor.GetProperty("keys").EnumerateArray().Single().GetProperty("revokedAt").ValueKind != JsonValueKind.Null;
        }, Deadline, "the key is revoked and the insurance date changed");
        await page.Context.CloseAsync();
    }
}
