namespace Orchestration.Portal.Tests;

/// <summary>
/// A property manager edits a unit and a tenant in their forms: a value the API refuses shows its reason beside the
/// field, a corrected one is saved, and the list and the API show it.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class When_units_and_tenants_are_edited_in_the_portal(PortalRun run)
{
    [Fact]
    public async Task Should_show_the_refusal_beside_its_field_and_save_the_corrected_values()
    {
        using var manager = await run.ApiAsync(PortalRun.ManagerEmail);
        var suffix = Guid.NewGuid().ToString("N")[..8];
        // Names that sort before the demo data's, so the lists' first pages show them.
        var propertyName = $"0 Unit edits {suffix}";
        var property = await manager.PostAsync("/api/properties", new
        {
            name = propertyName, addressLine1 = "3 Third Street", city = "Springfield", postalCode = "12345", country = "US",
        }, HttpStatusCode.Created);
        var propertyId = property.GetProperty("propertyId").GetGuid();
        var unitId = (await manager.PostAsync($"/api/properties/{propertyId}/units", new
        {
            label = "U1", bedrooms = 1, bathrooms = 1m, squareFeet = 500, marketRent = new { amount = 1100m, currency = "USD" },
        }, HttpStatusCode.Created)).GetProperty("unitId").GetGuid();

        var page = await run.SignInAsync(PortalRun.ManagerEmail);
        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Properties & units" }).ClickAsync();
        await page.GetByRole(AriaRole.Cell, new() { Name = propertyName }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Edit unit U1" }).ClickAsync();
        var unitForm = page.GetByTestId("unit-form");
        await unitForm.GetByLabel("Unit label").FillAsync("U1 North");
        await unitForm.GetByLabel("Bathrooms").FillAsync("1.25");
        await unitForm.GetByRole(AriaRole.Button, new() { Name = "Save unit" }).ClickAsync();
        await Expect(unitForm.GetByText("in steps of 0.5")).ToBeVisibleAsync();

        await unitForm.GetByLabel("Bathrooms").FillAsync("1.5");
        await unitForm.GetByLabel("Bedrooms").FillAsync("2");
        await unitForm.GetByRole(AriaRole.Button, new() { Name = "Save unit" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Cell, new() { Name = "U1 North", Exact = true })).ToBeVisibleAsync();
        var unit = await manager.GetAsync($"/api/units/{unitId}");
        unit.GetProperty("label").GetString().ShouldBe("U1 North");
        unit.GetProperty("bedrooms").GetInt32().ShouldBe(2);
        unit.GetProperty("bathrooms").GetDecimal().ShouldBe(1.5m);

        // A tenant is added by an application.
        var tenantName = $"0 Portal tenant {suffix}";
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await manager.PostAsync("/api/lease-applications", new
        {
            propertyId, unitId, applicantName = tenantName, applicantEmail = $"tenant.{suffix}@example.com", monthlyRent = 1100m, securityDeposit = 500m,
            currency = "USD", leaseStart = today.AddDays(30).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            leaseEnd = today.AddDays(30).AddYears(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        }, HttpStatusCode.Accepted);

        await page.GetByRole(AriaRole.Navigation).GetByRole(AriaRole.Link, new() { Name = "Tenants" }).ClickAsync();
        var edit = page.GetByRole(AriaRole.Button, new() { Name = $"Edit tenant {tenantName}" });
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await edit.WaitForAsync(new() { Timeout = 3_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 10)
            {
                await page.ReloadAsync();
            }
        }

        await edit.ClickAsync();
        var tenantForm = page.GetByTestId("tenant-form");
        await tenantForm.GetByLabel("Tenant email").FillAsync("not an address");
        await tenantForm.GetByRole(AriaRole.Button, new() { Name = "Save tenant" }).ClickAsync();
        await Expect(tenantForm.GetByText("A valid email address")).ToBeVisibleAsync();

        await tenantForm.GetByLabel("Tenant name").FillAsync($"{tenantName} Renamed");
        await tenantForm.GetByLabel("Tenant email").FillAsync($"renamed.{suffix}@example.com");
        await tenantForm.GetByRole(AriaRole.Button, new() { Name = "Save tenant" }).ClickAsync();
        await Expect(page.GetByTestId("tenant-list").GetByRole(AriaRole.Cell, new() { Name = $"{tenantName} Renamed", Exact = true })).ToBeVisibleAsync();
        var tenant = (await manager.GetAsync("/api/tenants?limit=200")).GetProperty("items").EnumerateArray()
            .Single(t => t.GetProperty("name").GetString() == $"{tenantName} Renamed");
        tenant.GetProperty("email").GetString().ShouldBe($"renamed.{suffix}@example.com");
        await page.Context.CloseAsync();
    }
}
